import { decodeErrorResult, decodeEventLog, getAddress, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { alice, bob, FIXTURES_DIR, solidity, TestChain } from '../helpers.js'

describe('real-world Solidity: OpenZeppelin ERC20, unchanged', () => {
  it('deploys, transfers with events and reverts with its custom errors', async () => {
    const { abi, bytecode } = await solidity('OZToken.sol', 'OZToken', FIXTURES_DIR)
    const chain = new TestChain()
    const { receipt, address } = await chain.deploy(alice, abi, bytecode, [1000n])
    expect(receipt.status).toBe(1)
    expect(await chain.read(address, abi, 'name')).toBe('OpenZeppelin Token')
    expect(await chain.read(address, abi, 'balanceOf', [alice])).toBe(1000n)

    const ok = await chain.write(alice, address, abi, 'transfer', [bob, 400n])
    expect(ok.status).toBe(1)
    const event = decodeEventLog({
      abi,
      data: ok.logs[0]!.data,
      topics: ok.logs[0]!.topics as [Hex, ...Hex[]],
    })
    expect(event).toEqual({
      eventName: 'Transfer',
      args: { from: getAddress(alice), to: getAddress(bob), value: 400n },
    })
    expect(await chain.read(address, abi, 'balanceOf', [bob])).toBe(400n)

    const bad = await chain.write(bob, address, abi, 'transfer', [alice, 401n])
    expect(bad.status).toBe(0)
    const error = decodeErrorResult({ abi, data: bad.revertData })
    expect(error.errorName).toBe('ERC20InsufficientBalance')
    expect(error.args).toEqual([getAddress(bob), 400n, 401n])

    await chain.write(alice, address, abi, 'approve', [bob, 50n])
    await chain.write(bob, address, abi, 'transferFrom', [alice, bob, 50n])
    expect(await chain.read(address, abi, 'allowance', [alice, bob])).toBe(0n)
    expect(await chain.read(address, abi, 'balanceOf', [bob])).toBe(450n)
  })
})
