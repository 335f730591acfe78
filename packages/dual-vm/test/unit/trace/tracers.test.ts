import type { ExecutableTx } from '@rollup-mesh/core'
import { type Address, getContractAddress } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { intrinsicGas } from '../../../src/executor/transaction.js'
import { createMemoryState } from '../../../src/state/memory.js'
import type { CallFrame } from '../../../src/trace/callTracer.js'
import { parseTraceOptions } from '../../../src/trace/options.js'
import type { PrestateDiffResult, PrestateResult } from '../../../src/trace/prestateTracer.js'
import type { StructLoggerResult } from '../../../src/trace/structLogger.js'
import { traceBlock } from '../../../src/trace/traceBlock.js'
import { traceCall } from '../../../src/trace/traceCall.js'
import { alice, bob, COINBASE, makeHeader, TestChain } from '../helpers.js'
import { callTx, deployTracing, deployTx, nextHeader, type Tracing, tracingContracts } from './fixture.js'

let t: Tracing
beforeAll(async () => {
  t = await tracingContracts()
}, 60_000)

/** Traces `txs` as the next block of `chain` (its state is the pre-state), then mines them and returns both. */
async function traceAndMine(chain: TestChain, txs: ExecutableTx[], options: unknown, index?: number) {
  const header = nextHeader(chain)
  const traced = await traceBlock({
    header,
    state: chain.state,
    txs,
    ...(index !== undefined ? { index } : {}),
    options: parseTraceOptions(options),
  })
  const mined = await chain.block(txs)
  return { traced, mined }
}

describe('struct logger', () => {
  it('replays the block up to the transaction and logs every opcode with geth’s fields', async () => {
    const chain = new TestChain()
    const { parent, child } = await deployTracing(chain, t)
    // The first transaction changes what the second reads (n goes 0 → 1): the replay must run it first.
    const first = callTx(chain, bob, parent, t.parent, 'go', [3n])
    const second = callTx(chain, alice, parent, t.parent, 'go', [7n])
    const { traced, mined } = await traceAndMine(chain, [first, second], {}, 1)
    expect(traced).toHaveLength(1)
    expect(traced[0]!.txHash).toBe(second.hash)
    const r = traced[0]!.result as StructLoggerResult
    const receipt = mined.receipts[1]!
    expect(r.failed).toBe(false)
    expect(BigInt(r.gas)).toBe(receipt.gasUsed)
    // go(7) returns set(7) + n = 14 + 2
    expect(BigInt(r.returnValue)).toBe(16n)
    const logs = r.structLogs
    expect(logs[0]).toMatchObject({ pc: 0, op: 'PUSH1', depth: 1, stack: [], refund: 0 })
    expect(logs[0]!.gas).toBe(Number(second.gas - intrinsicGas(second).intrinsic))
    // gas left falls by each opcode's cost within a frame (calls aside)
    for (let i = 0; i + 1 < logs.length; i++) {
      const a = logs[i]!
      const b = logs[i + 1]!
      if (
        a.depth === b.depth &&
        !['CALL', 'STATICCALL', 'DELEGATECALL', 'CALLCODE', 'CREATE', 'CREATE2'].includes(a.op)
      )
        expect(b.gas, `step ${i} ${a.op}`).toBe(a.gas - a.gasCost)
    }
    // SLOAD of n (slot 1) sees the first transaction's write; SSTORE shows the value written
    const sload = logs.find((l) => l.op === 'SLOAD' && l.depth === 1)!
    expect(sload.storage).toEqual({ [`0x${'0'.repeat(63)}1`]: `0x${'0'.repeat(63)}1` })
    const sstore = logs.find((l) => l.op === 'SSTORE' && l.depth === 1)!
    expect(sstore.storage?.[`0x${'0'.repeat(63)}1`]).toBe(`0x${'0'.repeat(63)}2`)
    expect(sstore.gasCost).toBe(2_900) // warm, dirty-free non-zero → non-zero
    // the CALL's cost includes the gas handed to the callee (geth), whose first step starts with it
    const callAt = logs.findIndex((l) => l.op === 'CALL')
    const call = logs[callAt]!
    const callee = logs[callAt + 1]!
    expect(callee.depth).toBe(2)
    expect(callee.pc).toBe(0)
    expect(call.gasCost - callee.gas).toBe(2_600) // cold account access
    expect(logs.some((l) => l.op === 'LOG1' && l.depth === 2)).toBe(true)
    // the callee's storage (Child.v) is logged under its own address
    const childStore = logs.find((l) => l.op === 'SSTORE' && l.depth === 2)!
    expect(childStore.storage).toEqual({ [`0x${'0'.repeat(64)}`]: `0x${'0'.repeat(63)}7` })
    expect(child).toMatch(/^0x/)
  })

  it('marks a reverted transaction failed and returns its revert data', async () => {
    const chain = new TestChain()
    const { parent } = await deployTracing(chain, t)
    const tx = callTx(chain, alice, parent, t.parent, 'fail')
    const { traced, mined } = await traceAndMine(chain, [tx], {})
    const r = traced[0]!.result as StructLoggerResult
    expect(mined.receipts[0]!.status).toBe(0)
    expect(r.failed).toBe(true)
    expect(r.returnValue).toBe(mined.receipts[0]!.revertData)
    expect(r.structLogs.at(-1)!.op).toBe('REVERT')
    expect(r.structLogs.some((l) => l.op === 'REVERT' && l.depth === 2)).toBe(true)
  })

  it('reports the opcode that ran out of gas with geth’s error', async () => {
    const chain = new TestChain()
    const { parent } = await deployTracing(chain, t)
    const tx = callTx(chain, alice, parent, t.parent, 'spin', [10_000n], 0n, 60_000n)
    const { traced } = await traceAndMine(chain, [tx], { disableStack: true })
    const r = traced[0]!.result as StructLoggerResult
    expect(r.failed).toBe(true)
    expect(r.structLogs.at(-1)!.error).toBe('out of gas')
    expect(r.structLogs[0]!.stack).toBeUndefined()
  })

  it('honours enableMemory, enableReturnData, disableStorage and limit', async () => {
    const chain = new TestChain()
    const { parent } = await deployTracing(chain, t)
    const tx = callTx(chain, alice, parent, t.parent, 'go', [7n])
    const { traced } = await traceAndMine(chain, [tx], {
      enableMemory: true,
      enableReturnData: true,
      disableStorage: true,
    })
    const logs = (traced[0]!.result as StructLoggerResult).structLogs
    const mstore = logs.findIndex((l) => l.op === 'MSTORE')
    expect(logs[mstore + 1]!.memory).toEqual([
      `0x${'0'.repeat(64)}`,
      `0x${'0'.repeat(64)}`,
      `0x${'0'.repeat(62)}80`,
    ])
    expect(logs.every((l) => l.storage === undefined)).toBe(true)
    // after the call returns, the caller's return data is the callee's output (14)
    const afterCall = logs.findIndex((l, i) => i > 0 && logs[i - 1]!.depth === 2 && l.depth === 1)
    expect(BigInt(logs[afterCall]!.returnData!)).toBe(14n)
    const limited = await traceCall({
      header: nextHeader(chain),
      state: chain.state,
      from: alice,
      to: parent,
      data: tx.data,
      gas: 500_000n,
      options: parseTraceOptions({ limit: 5 }),
    })
    expect((limited as StructLoggerResult).structLogs).toHaveLength(5)
  })
})

describe('callTracer', () => {
  it('builds the call tree with gas, output and logs', async () => {
    const chain = new TestChain()
    const { parent, child } = await deployTracing(chain, t)
    const tx = callTx(chain, alice, parent, t.parent, 'go', [7n])
    const { traced, mined } = await traceAndMine(chain, [tx], {
      tracer: 'callTracer',
      tracerConfig: { withLog: true },
    })
    const top = traced[0]!.result as CallFrame
    expect(top).toMatchObject({
      type: 'CALL',
      from: alice,
      to: parent,
      value: '0x0',
      gas: `0x${(tx.gas - intrinsicGas(tx).intrinsic).toString(16)}`,
      gasUsed: `0x${mined.receipts[0]!.gasUsed.toString(16)}`,
      input: tx.data,
      output: `0x${15n.toString(16).padStart(64, '0')}`,
    })
    expect(top.calls).toHaveLength(1)
    const inner = top.calls![0]!
    expect(inner).toMatchObject({ type: 'CALL', from: parent, to: child, value: '0x0' })
    expect(BigInt(inner.output!)).toBe(14n)
    expect(inner.logs).toHaveLength(1)
    expect(inner.logs![0]).toMatchObject({ address: child, position: '0x0', index: '0x0' })
    // Parent's own log comes after its one call
    expect(top.logs![0]).toMatchObject({ address: parent, position: '0x1', index: '0x1' })
    const onlyTop = await traceCall({
      header: nextHeader(chain),
      state: chain.state,
      from: alice,
      to: parent,
      data: tx.data,
      options: parseTraceOptions({ tracer: 'callTracer', tracerConfig: { onlyTopCall: true } }),
    })
    expect((onlyTop as CallFrame).calls).toBeUndefined()
  })

  it('gives a revert its error and reason, down the tree', async () => {
    const chain = new TestChain()
    const { parent, child } = await deployTracing(chain, t)
    const tx = callTx(chain, alice, parent, t.parent, 'fail')
    const { traced } = await traceAndMine(chain, [tx], { tracer: 'callTracer' })
    const top = traced[0]!.result as CallFrame
    expect(top).toMatchObject({ type: 'CALL', error: 'execution reverted', revertReason: 'boom' })
    expect(top.calls![0]).toMatchObject({
      type: 'STATICCALL',
      from: parent,
      to: child,
      error: 'execution reverted',
      revertReason: 'boom',
    })
    expect(top.calls![0]!.value).toBeUndefined()
  })

  it('shows a deployment as CREATE with the new address and the nested CREATE', async () => {
    const chain = new TestChain()
    const tx = deployTx(chain, alice, t)
    const { traced, mined } = await traceAndMine(chain, [tx], { tracer: 'callTracer' })
    const top = traced[0]!.result as CallFrame
    const created = mined.receipts[0]!.contractAddress as Address
    expect(top).toMatchObject({ type: 'CREATE', from: alice, to: created })
    expect(top.output).toMatch(/^0x6080/)
    expect(top.calls![0]).toMatchObject({
      type: 'CREATE',
      from: created,
      to: getContractAddress({ from: created, nonce: 1n }).toLowerCase(),
    })
    // the struct logger's CREATE costs its own gas plus what it hands to the new frame (anvil's figure)
    const [steps] = await traceBlock({
      header: makeHeader(chain.number - 1n),
      state: createMemoryState({ [alice]: { balance: 10n ** 20n } }),
      txs: [{ ...tx, nonce: 0n }],
      options: parseTraceOptions({}),
    })
    const logs = (steps!.result as StructLoggerResult).structLogs
    const at = logs.findIndex((l) => l.op === 'CREATE')
    expect(logs[at + 1]!.depth).toBe(2)
    const own = logs[at]!.gasCost - logs[at + 1]!.gas
    expect(own).toBeGreaterThanOrEqual(32_000)
    expect(own).toBeLessThan(33_000)
  })
})

describe('prestateTracer', () => {
  it('lists what the transaction touched as it was before, and in diff mode what changed', async () => {
    const chain = new TestChain()
    const { parent, child } = await deployTracing(chain, t)
    await chain.write(alice, parent, t.parent, 'go', [3n])
    const tx = callTx(chain, bob, parent, t.parent, 'go', [7n])
    const before = chain.state.getAccount(bob)!
    const header = nextHeader(chain)
    const [pre] = await traceBlock({
      header,
      state: chain.state,
      txs: [tx],
      options: parseTraceOptions({ tracer: 'prestateTracer' }),
    })
    const [diff] = await traceBlock({
      header,
      state: chain.state,
      txs: [tx],
      options: parseTraceOptions({ tracer: 'prestateTracer', tracerConfig: { diffMode: true } }),
    })
    const word = (n: bigint) => `0x${n.toString(16).padStart(64, '0')}`
    const p = pre!.result as PrestateResult
    expect(p[bob]).toEqual({ balance: `0x${before.balance.toString(16)}` })
    expect(p[parent]!.storage).toEqual({ [word(0n)]: word(BigInt(child)), [word(1n)]: word(1n) })
    expect(p[parent]!.nonce).toBe(2)
    expect(p[parent]!.code).toMatch(/^0x6080/)
    expect(p[child]!.storage).toEqual({ [word(0n)]: word(3n) })
    expect(p[COINBASE]).toBeDefined()
    const d = diff!.result as PrestateDiffResult
    expect(d.pre[parent]!.storage).toEqual({ [word(1n)]: word(1n) })
    expect(d.post[parent]).toEqual({ storage: { [word(1n)]: word(2n) } })
    expect(d.post[child]).toEqual({ storage: { [word(0n)]: word(7n) } })
    expect(d.post[bob]!.nonce).toBe(Number(before.nonce) + 1)
    expect(BigInt(d.post[bob]!.balance!)).toBeLessThan(before.balance)
    // the state the tracer ran over is untouched
    expect(chain.state.getAccount(bob)).toEqual(before)
  })

  it('leaves an account created by the transaction out of pre in diff mode', async () => {
    const chain = new TestChain(undefined)
    const tx = deployTx(chain, alice, t)
    const { traced, mined } = await traceAndMine(chain, [tx], {
      tracer: 'prestateTracer',
      tracerConfig: { diffMode: true },
    })
    const d = traced[0]!.result as PrestateDiffResult
    const created = mined.receipts[0]!.contractAddress as Address
    expect(d.pre[created]).toBeUndefined()
    expect(d.post[created]).toMatchObject({ nonce: 2 })
    expect(d.post[created]!.code).toMatch(/^0x6080/)
  })
})

describe('traceBlock', () => {
  it('traces every transaction of a block, each after the ones before it', async () => {
    const chain = new TestChain()
    const { parent } = await deployTracing(chain, t)
    const txs = [
      callTx(chain, alice, parent, t.parent, 'go', [1n]),
      callTx(chain, alice, parent, t.parent, 'go', [2n], 1n),
      callTx(chain, bob, parent, t.parent, 'fail'),
    ]
    const { traced, mined } = await traceAndMine(chain, txs, { tracer: 'callTracer' })
    expect(traced.map((e) => e.txHash)).toEqual(txs.map((x) => x.hash))
    for (const [i, e] of traced.entries())
      expect(BigInt((e.result as CallFrame).gasUsed), `tx ${i}`).toBe(mined.receipts[i]!.gasUsed)
    // go(2) after go(1): n is 2, set returns 4
    expect(BigInt((traced[1]!.result as CallFrame).output!)).toBe(6n)
  })

  it('replays a block that starts with a deposit (minted value, no fee) as the executor ran it', async () => {
    const chain = new TestChain()
    const { parent } = await deployTracing(chain, t)
    const depositor = '0x00000000000000000000000000000000000d0001' as Address
    const deposit: ExecutableTx = {
      hash: `0x${'de'.repeat(32)}`,
      type: 'deposit',
      from: depositor,
      nonce: 999n,
      to: bob,
      value: 5n,
      data: '0x',
      gas: 100_000n,
      mint: 10n,
      sourceHash: `0x${'5c'.repeat(32)}`,
    }
    const txs = [deposit, callTx(chain, alice, parent, t.parent, 'go', [4n])]
    const { traced, mined } = await traceAndMine(
      chain,
      txs,
      { tracer: 'prestateTracer', tracerConfig: { diffMode: true } },
      1,
    )
    expect(mined.receipts).toHaveLength(2)
    const d = traced[0]!.result as PrestateDiffResult
    expect(d.post[parent]!.storage).toEqual({ [`0x${'0'.repeat(63)}1`]: `0x${'0'.repeat(63)}1` })
    const [top] = await traceBlock({
      header: makeHeader(chain.number - 1n),
      state: createMemoryState({ [alice]: { balance: 10n ** 20n } }),
      txs: [deposit],
      options: parseTraceOptions({ tracer: 'callTracer' }),
    })
    expect(top!.result).toMatchObject({ type: 'CALL', from: depositor, to: bob, value: '0x5' })
  })

  it('refuses an index outside the block and a transaction that cannot run', async () => {
    const state = createMemoryState({})
    const chain = new TestChain()
    const tx = callTx(chain, alice, bob, t.parent, 'go', [1n])
    await expect(
      traceBlock({ header: nextHeader(chain), state, txs: [tx], index: 3, options: parseTraceOptions({}) }),
    ).rejects.toThrow(/no transaction at index 3/)
    // alice has no funds in this state: the executor would skip the transaction
    await expect(
      traceBlock({ header: nextHeader(chain), state, txs: [tx], options: parseTraceOptions({}) }),
    ).rejects.toThrow(/could not be executed for tracing: insufficient funds/)
  })
})
