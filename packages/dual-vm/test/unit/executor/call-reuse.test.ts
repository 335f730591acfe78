import { type Abi, decodeFunctionResult, encodeDeployData, encodeFunctionData, type Hex } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { simulateCall } from '../../../src/index.js'
import { alice, bob, carol, makeHeader, solidity, TestChain } from '../helpers.js'

let token: { abi: Abi; bytecode: Hex }
beforeAll(async () => {
  token = await solidity('Token.sol', 'Token')
})

/** Two chains with the token at the same address (same deployer and nonce) but different balances. */
async function twoChains() {
  const a = new TestChain()
  const b = new TestChain()
  const { address } = await a.deploy(alice, token.abi, token.bytecode, ['A', 'A', 1_000n])
  const deployedB = await b.deploy(alice, token.abi, token.bytecode, ['B', 'B', 5_000n])
  expect(deployedB.address).toBe(address)
  await b.write(alice, address, token.abi, 'transfer', [bob, 70n])
  return { a, b, address }
}

describe('simulateCall reuses a warm EVM without leaking state between calls', () => {
  it('consecutive and concurrent calls over different states give each state its own answer', async () => {
    const { a, b, address } = await twoChains()
    const balanceOf = async (chain: TestChain, who: Hex) => {
      const result = await simulateCall({
        header: makeHeader(chain.number),
        state: chain.state,
        to: address,
        data: encodeFunctionData({ abi: token.abi, functionName: 'balanceOf', args: [who] }),
      })
      expect(result.success).toBe(true)
      return decodeFunctionResult({ abi: token.abi, functionName: 'balanceOf', data: result.returnData })
    }
    for (let i = 0; i < 3; i++) {
      expect(await balanceOf(a, alice)).toBe(1_000n)
      expect(await balanceOf(b, alice)).toBe(4_930n)
      expect(await balanceOf(a, bob)).toBe(0n)
      expect(await balanceOf(b, bob)).toBe(70n)
    }
    const together = await Promise.all([balanceOf(a, alice), balanceOf(b, alice), balanceOf(b, bob)])
    expect(together).toEqual([1_000n, 4_930n, 70n])
  })

  it('a simulated write never reaches the state nor the next call, and gas does not depend on earlier calls', async () => {
    const { a, address } = await twoChains()
    const root = a.state.stateRoot()
    const transfer = encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [carol, 400n] })
    const first = await simulateCall({
      header: makeHeader(a.number),
      state: a.state,
      from: alice,
      to: address,
      data: transfer,
    })
    expect(first.success).toBe(true)
    expect(first.logs).toHaveLength(1)
    // Same call again: same result and gas (no slot or address stays warm, no write is seen).
    const second = await simulateCall({
      header: makeHeader(a.number),
      state: a.state,
      from: alice,
      to: address,
      data: transfer,
    })
    expect(second).toEqual(first)
    expect(a.state.stateRoot()).toBe(root)
    expect(await a.read(address, token.abi, 'balanceOf', [carol])).toBe(0n)
    expect(await a.read(address, token.abi, 'balanceOf', [alice])).toBe(1_000n)
    // A transfer of more than alice has reverts; the next call over the same state still succeeds.
    const tooMuch = await simulateCall({
      header: makeHeader(a.number),
      state: a.state,
      from: alice,
      to: address,
      data: encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [carol, 10_000n] }),
    })
    expect(tooMuch.success).toBe(false)
    expect(
      await simulateCall({
        header: makeHeader(a.number),
        state: a.state,
        from: alice,
        to: address,
        data: transfer,
      }),
    ).toEqual(first)
    // A simulated creation leaves no account behind either.
    const created = await simulateCall({
      header: makeHeader(a.number),
      state: a.state,
      from: alice,
      data: encodeDeployData({ abi: token.abi, bytecode: token.bytecode, args: ['C', 'C', 1n] }),
      to: null,
    })
    expect(created.success).toBe(true)
    expect(created.contractAddress).not.toBeNull()
    expect(a.state.getAccount(created.contractAddress!)).toBeUndefined()
    expect(a.state.stateRoot()).toBe(root)
  })
})
