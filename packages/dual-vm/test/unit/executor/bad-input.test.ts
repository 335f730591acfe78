import { type Abi, decodeFunctionResult, encodeFunctionData, type Hex, toHex } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { simulateCall } from '../../../src/index.js'
import { alice, bob, carol, FIXTURES_DIR, makeHeader, makeTx, solidity, TestChain } from '../helpers.js'

let hostile: { abi: Abi; bytecode: Hex }
beforeAll(async () => {
  hostile = await solidity('Hostile.sol', 'Hostile', FIXTURES_DIR)
})

describe('bad input on the EVM side: failed receipts, and the executor keeps serving', () => {
  it('an infinite loop runs out of gas and consumes the gas limit', async () => {
    const chain = new TestChain()
    const { address } = await chain.deploy(alice, hostile.abi, hostile.bytecode)
    const data = encodeFunctionData({ abi: hostile.abi, functionName: 'loopForever' })
    const result = await chain.block([
      makeTx({ from: bob, nonce: 0n, to: address, data, gas: 300_000n }),
      makeTx({ from: carol, nonce: 0n, to: bob, value: 1n, gas: 21_000n }),
    ])
    expect(result.receipts.map((r) => r.status)).toEqual([0, 1])
    expect(result.receipts[0]!.gasUsed).toBe(300_000n)
  })

  it('deep recursion is bounded (63/64 gas rule, depth 1024) and reverts cleanly', async () => {
    const chain = new TestChain()
    const { address } = await chain.deploy(alice, hostile.abi, hostile.bytecode)
    const deep = await chain.send({
      from: bob,
      to: address,
      data: encodeFunctionData({ abi: hostile.abi, functionName: 'recurse', args: [5000n] }),
      gas: 10_000_000n,
    })
    expect(deep.status).toBe(0)
    expect(await chain.read(address, hostile.abi, 'depthReached')).toBe(0n)
    const shallow = await chain.write(bob, address, hostile.abi, 'recurse', [3n])
    expect(shallow.status).toBe(1)
  })

  it('a high-level call to an address without code reverts (Solidity checks extcodesize)', async () => {
    const chain = new TestChain()
    const { address } = await chain.deploy(alice, hostile.abi, hostile.bytecode)
    const r = await chain.write(bob, address, hostile.abi, 'callEoa', [carol])
    expect(r.status).toBe(0)
  })

  it('calldata shorter than a selector reverts without a crash', async () => {
    const chain = new TestChain()
    const { address } = await chain.deploy(alice, hostile.abi, hostile.bytecode)
    const r = await chain.send({ from: bob, to: address, data: '0x12' })
    expect(r.status).toBe(0)
    expect(r.revertData).toBe('0x')
  })

  it('charges access-list intrinsic gas and the EIP-7623 calldata floor', async () => {
    const chain = new TestChain()
    const withList = await chain.send({
      from: alice,
      to: bob,
      gas: 30_000n,
      type: 'eip2930',
      gasPrice: 2_000_000_000n,
      accessList: [{ address: carol, storageKeys: [toHex(1, { size: 32 })] }],
    })
    expect(withList.gasUsed).toBe(21_000n + 2_400n + 1_900n)
    const heavyData = `0x${'ff'.repeat(100)}` as Hex
    const floor = await chain.send({ from: alice, to: bob, data: heavyData, gas: 30_000n })
    expect(floor.gasUsed).toBe(21_000n + 100n * 4n * 10n)
  })

  it('simulateCall reads without writing and reports reverts', async () => {
    const chain = new TestChain()
    const { address } = await chain.deploy(alice, hostile.abi, hostile.bytecode)
    const root = chain.state.stateRoot()
    const sim = await simulateCall({
      header: makeHeader(chain.number),
      state: chain.state,
      from: bob,
      to: address,
      data: encodeFunctionData({ abi: hostile.abi, functionName: 'recurse', args: [2n] }),
    })
    expect(sim.success).toBe(true)
    expect(chain.state.stateRoot()).toBe(root)
    const read = await simulateCall({
      header: makeHeader(chain.number),
      state: chain.state,
      to: address,
      data: encodeFunctionData({ abi: hostile.abi, functionName: 'depthReached' }),
    })
    expect(
      decodeFunctionResult({ abi: hostile.abi, functionName: 'depthReached', data: read.returnData }),
    ).toBe(0n)
    const loop = await simulateCall({
      header: makeHeader(chain.number),
      state: chain.state,
      to: address,
      data: encodeFunctionData({ abi: hostile.abi, functionName: 'loopForever' }),
      gas: 100_000n,
    })
    expect(loop).toMatchObject({ success: false, error: 'out of gas', gasUsed: 100_000n })
  })
})

describe('estimateGas', () => {
  it('finds a gas limit that works, and reports reverts', async () => {
    const { estimateGas } = await import('../../../src/index.js')
    const chain = new TestChain()
    const { address } = await chain.deploy(alice, hostile.abi, hostile.bytecode)
    const data = encodeFunctionData({ abi: hostile.abi, functionName: 'recurse', args: [5n] })
    const estimate = await estimateGas({
      header: makeHeader(chain.number),
      state: chain.state,
      from: bob,
      to: address,
      data,
    })
    if (!estimate.success) throw new Error('estimate failed')
    const receipt = await chain.send({ from: bob, to: address, data, gas: estimate.gas })
    expect(receipt.status).toBe(1)
    expect(estimate.gas).toBeGreaterThanOrEqual(receipt.gasUsed)
    const loop = await estimateGas({
      header: makeHeader(chain.number),
      state: chain.state,
      to: address,
      data: encodeFunctionData({ abi: hostile.abi, functionName: 'loopForever' }),
      gas: 200_000n,
    })
    expect(loop).toMatchObject({ success: false, error: 'out of gas' })
  })
})
