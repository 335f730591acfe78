import type { ExecutableTx } from '@rollup-mesh/core'
import fc from 'fast-check'
import { type Address, encodeFunctionData, keccak256, numberToHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createParallelExecutor, createSerialExecutor } from '../../../src/index.js'
import { expectSame } from './expectSame.js'
import {
  buildBlock,
  type CompiledExamples,
  compileExamples,
  header,
  type Op,
  senderAddress,
  Workload,
} from './workload.js'

// Blocks that start with deposits (several from one sender, minting, moving value, calling a hot
// contract, failing, skipped), followed by ordinary transactions: parallel must equal serial bit for bit.

const SENDERS = 8
/** A deposit-only sender (holds nothing before its first mint). */
const FRESH: Address = '0x00000000000000000000000000000000000d0000'

type DepositOp = {
  from: number
  to: number
  mint: bigint
  value: bigint
  kind: 'transfer' | 'increment' | 'lowGas'
}

let sourceCounter = 0
function depositTxs(w: Workload, ops: readonly DepositOp[]): ExecutableTx[] {
  return ops.map((op) => {
    // 0: the fresh sender; otherwise a workload sender whose later ordinary txs see the bumped nonce.
    const from = op.from === 0 ? FRESH : (w.senders[op.from % w.senders.length] as Address)
    // A skipped deposit does not bump the nonce; every other one does.
    if (op.kind !== 'lowGas') w.nextNonce(from)
    const sourceHash = keccak256(numberToHex(++sourceCounter, { size: 32 }))
    const base = { hash: keccak256(sourceHash), type: 'deposit' as const, nonce: 0n, from, sourceHash }
    const to = op.to < w.senders.length ? (w.senders[op.to] as Address) : senderAddress(op.to)
    if (op.kind === 'increment')
      return {
        ...base,
        to: w.counters[0] as Address,
        value: op.value,
        mint: op.mint,
        data: encodeFunctionData({ abi: w.compiled.counter.abi, functionName: 'increment' }),
        gas: 100_000n,
      }
    return {
      ...base,
      to,
      value: op.value,
      mint: op.mint,
      data: '0x',
      gas: op.kind === 'lowGas' ? 20_000n : 21_000n,
    }
  })
}

const depositArb: fc.Arbitrary<DepositOp> = fc.record({
  from: fc.constantFrom(0, 0, 0, 1, 2),
  to: fc.nat(20),
  mint: fc.constantFrom(0n, 1n, 10n ** 18n),
  // 10^30 exceeds every balance: the deposit is included as failed.
  value: fc.constantFrom(0n, 1n, 10n ** 17n, 10n ** 30n),
  kind: fc.constantFrom('transfer', 'transfer', 'increment', 'lowGas'),
})

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('eth' as const),
    from: fc.nat(SENDERS),
    to: fc.nat(20),
    value: fc.constantFrom(1n, 10n ** 18n),
  }),
  fc.record({
    kind: fc.constant('erc20' as const),
    from: fc.nat(SENDERS),
    to: fc.nat(20),
    amount: fc.constantFrom(1n, 10n ** 26n),
  }),
  fc.record({ kind: fc.constant('hot' as const), from: fc.nat(SENDERS) }),
)

describe('ParallelExecutor equals SerialExecutor on blocks that start with deposits', () => {
  let compiled: CompiledExamples
  const executors = [
    createParallelExecutor({ workers: 1 }),
    // Never falls back to serial, so speculation, validation and re-execution all run.
    createParallelExecutor({ workers: 2, minParallelTxs: 1, serialChainShare: 2 }),
  ]
  beforeAll(async () => {
    compiled = await compileExamples()
    await Promise.all(executors.map((e) => e.start()))
  })
  afterAll(() => Promise.all(executors.map((e) => e.close())))

  async function check(w: Workload, txs: ExecutableTx[]) {
    const h = header(w.number)
    const expected = await createSerialExecutor().executeBlock({ header: h, txs }, w.state)
    for (const executor of executors)
      expectSame(txs, expected, await executor.executeBlock({ header: h, txs }, w.state))
    w.state.apply(expected.writeSet)
    w.number++
    w.resetNonces()
    return expected
  }

  it('on a hand-written block: deposits from one sender, then ordinary transactions', async () => {
    const w = await Workload.create({ senders: SENDERS, counters: 1, compiled })
    const deposits = depositTxs(w, [
      { from: 0, to: 3, mint: 10n ** 18n, value: 10n ** 17n, kind: 'transfer' },
      { from: 0, to: 4, mint: 0n, value: 10n ** 17n, kind: 'transfer' },
      { from: 0, to: 0, mint: 5n, value: 0n, kind: 'increment' },
      { from: 0, to: 5, mint: 1n, value: 10n ** 30n, kind: 'transfer' },
      { from: 1, to: 2, mint: 10n ** 18n, value: 1n, kind: 'transfer' },
      { from: 1, to: 2, mint: 0n, value: 0n, kind: 'lowGas' },
    ])
    const ordinary = buildBlock(w, [
      { kind: 'eth', from: 1, to: 3, value: 10n ** 18n },
      { kind: 'hot', from: 2 },
      { kind: 'erc20', from: 3, to: 9, amount: 1n },
      { kind: 'hot', from: 4 },
      { kind: 'eth', from: 3, to: 1, value: 1n },
    ])
    const txs = [...deposits, ...ordinary]
    const result = await check(w, txs)
    expect(executors[1]?.stats?.mode).toBe('parallel')
    // The block really exercised what it claims: all but the low-gas deposit included, one failed.
    expect(result.skipped.map((s) => s.hash)).toEqual([deposits[5]?.hash])
    expect(result.receipts.slice(0, 5).map((r) => r.status)).toEqual([1, 1, 1, 0, 1])
    expect(result.receipts.slice(0, 5).map((r) => r.depositNonce)).toEqual([0n, 1n, 2n, 3n, 0n])
    expect(result.receipts.slice(5).every((r) => r.status === 1)).toBe(true)
    expect(w.state.getAccount(FRESH)?.nonce).toBe(4n)
  })

  it('on random blocks (pool sizes 1 and 2)', async () => {
    let depositsIncluded = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.array(depositArb, { minLength: 1, maxLength: 8 }),
            fc.array(opArb, { minLength: 4, maxLength: 20 }),
          ),
          { minLength: 1, maxLength: 2 },
        ),
        async (blocks) => {
          const w = await Workload.create({ senders: SENDERS, counters: 1, compiled })
          for (const [dops, ops] of blocks) {
            const deposits = depositTxs(w, dops)
            const txs = [...deposits, ...buildBlock(w, ops)]
            const result = await check(w, txs)
            depositsIncluded += result.receipts.filter((r) => r.depositNonce !== undefined).length
          }
        },
      ),
      { numRuns: 5 },
    )
    expect(depositsIncluded).toBeGreaterThan(0)
  })
})
