import { ZERO_WORD } from '@rollup-mesh/core'
import fc from 'fast-check'
import { type Address, encodeAbiParameters, keccak256 } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createParallelExecutor,
  createSerialExecutor,
  type ParallelExecutor,
  ParallelMismatchError,
} from '../../../src/index.js'
import { expectSame } from './expectSame.js'
import {
  buildBlock,
  type CompiledExamples,
  compileExamples,
  header,
  type Op,
  WASM_ENGINE_SOURCE,
  Workload,
} from './workload.js'

const SENDERS = 12

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('wasmErc20' as const),
      from: fc.nat(SENDERS),
      to: fc.nat(40),
      amount: fc.constantFrom(1n, 10n ** 26n),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('crossVm' as const),
      from: fc.nat(SENDERS),
      intoWasm: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('erc20' as const),
      from: fc.nat(SENDERS),
      to: fc.nat(40),
      amount: fc.constantFrom(1n, 10n ** 18n, 10n ** 26n),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('eth' as const),
      from: fc.nat(SENDERS),
      to: fc.nat(40),
      value: fc.constantFrom(0n, 1n, 10n ** 18n),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reset' as const), from: fc.nat(SENDERS) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deployThenCall' as const),
      from: fc.nat(SENDERS),
      caller: fc.nat(SENDERS),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('toCoinbase' as const), from: fc.nat(SENDERS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('badNonce' as const), from: fc.nat(SENDERS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tooMuchGas' as const), from: fc.nat(SENDERS) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('accessList' as const), from: fc.nat(SENDERS), to: fc.nat(40) }),
  },
)

/** Every kind of transaction in two blocks (run first, before the random ones). */
const EXAMPLE: Op[][] = [
  [
    { kind: 'erc20', from: 1, to: 2, amount: 5n },
    { kind: 'deployThenCall', from: 3, caller: 4 },
    { kind: 'crossVm', from: 5, intoWasm: true },
    { kind: 'crossVm', from: 6, intoWasm: false },
    { kind: 'wasmErc20', from: 7, to: 30, amount: 1n },
    { kind: 'hot', from: 8 },
    { kind: 'wasmHot', from: 9 },
    { kind: 'reset', from: 10 },
    { kind: 'eth', from: 11, to: 11, value: 1n },
    { kind: 'toCoinbase', from: 1 },
    { kind: 'badNonce', from: 2 },
    { kind: 'accessList', from: 3, to: 33 },
    { kind: 'tooMuchGas', from: 4 },
    { kind: 'tooMuchGas', from: 5 },
  ],
  [
    { kind: 'hot', from: 1 },
    { kind: 'hot', from: 2 },
    { kind: 'wasmErc20', from: 2, to: 3, amount: 10n ** 26n },
    { kind: 'crossVm', from: 3, intoWasm: true },
  ],
]

/** A block: `conflict` is the share of transactions that increment the one hot counter. */
const blockArb = fc
  .record({
    conflict: fc.constantFrom(0, 0.1, 0.5, 1),
    ops: fc.array(
      fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), opArb, fc.nat(SENDERS)),
      {
        minLength: 8,
        maxLength: 40,
      },
    ),
  })
  .map(({ conflict, ops }) =>
    ops.map(([roll, op, from]): Op => (roll < conflict ? { kind: 'hot', from } : op)),
  )

/** Runs the next block of `w` on `executor` and serially, asserts they agree, commits it; the executor's stats. */
async function nextBlockSame(executor: ParallelExecutor, w: Workload, ops: Op[]) {
  const txs = buildBlock(w, ops)
  const h = header(w.number)
  const expected = await createSerialExecutor({ wasm: w.engine }).executeBlock({ header: h, txs }, w.state)
  const actual = await executor.executeBlock({ header: h, txs }, w.state)
  expectSame(txs, expected, actual)
  w.state.apply(expected.writeSet)
  w.number++
  return { ...executor.stats }
}

describe('ParallelExecutor equals SerialExecutor', () => {
  let compiled: CompiledExamples
  const executors: ParallelExecutor[] = [
    createParallelExecutor({ workers: 1, wasm: WASM_ENGINE_SOURCE }),
    // Never falls back to serial, so validation and re-execution run even at 100% conflict.
    createParallelExecutor({
      workers: 2,
      minParallelTxs: 1,
      serialChainShare: 2,
      workerCommitEntries: 1,
      wasm: WASM_ENGINE_SOURCE,
    }),
    createParallelExecutor({ workers: 4, minParallelTxs: 1, verifyParallel: true, wasm: WASM_ENGINE_SOURCE }),
  ]
  const reExecuted = [0, 0, 0]
  let mispredicted = 0
  const seen = { wasmSuccess: 0, crossVm: 0, reverted: 0, skipped: 0, created: 0 }
  beforeAll(async () => {
    compiled = await compileExamples({ wasm: true })
    await Promise.all(executors.map((e) => e.start()))
  }, 300_000) // compiling and starting workers takes long on a loaded machine
  afterAll(() => Promise.all(executors.map((e) => e.close())))

  it('on random blocks (pool sizes 1, 2, 4; conflict 0-100%)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(blockArb, { minLength: 2, maxLength: 3 }), async (blocks) => {
        const w = await Workload.create({ senders: SENDERS, counters: 2, compiled })
        for (const ops of blocks) {
          const txs = buildBlock(w, ops)
          const h = header(w.number, 6_000_000n)
          const expected = await createSerialExecutor({ wasm: w.engine }).executeBlock(
            { header: h, txs },
            w.state,
          )
          for (const [i, executor] of executors.entries()) {
            const actual = await executor.executeBlock({ header: h, txs }, w.state)
            expectSame(txs, expected, actual)
            reExecuted[i] = (reExecuted[i] as number) + (executor.stats?.reExecuted ?? 0)
            mispredicted += executor.stats?.mispredicted ?? 0
          }
          for (const r of expected.receipts) {
            if (r.vm === 'wasm' && r.status === 1) seen.wasmSuccess++
            if (r.status === 1 && new Set(r.logs.map((l) => l.address)).size > 1) seen.crossVm++
            if (r.status === 0) seen.reverted++
            if (r.contractAddress && r.status === 1) seen.created++
          }
          seen.skipped += expected.skipped.length
          w.state.apply(expected.writeSet)
          w.number++
          w.resetNonces()
        }
      }),
      {
        numRuns: 6,
        // One hand-written run that has every kind of transaction, so coverage never depends on luck.
        examples: [[EXAMPLE]],
      },
    )
    // Pool size 1 is serial; the others really speculated and had to repair conflicts.
    expect(reExecuted[0]).toBe(0)
    expect(reExecuted[1]).toBeGreaterThan(0)
    // Warm replicas guess unknown slots; some guesses were wrong and were repaired by re-execution.
    expect(mispredicted).toBeGreaterThan(0)
    // The random blocks really covered WASM, cross-VM calls, reverts, skips and creations.
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(0)
  })

  it('keeps replicas warm across many small serial blocks (their write sets are folded)', async () => {
    const executor = createParallelExecutor({ workers: 2, minParallelTxs: 16 })
    const w = await Workload.create({ senders: 32, counters: 1, compiled })
    let recipient = 1000
    const run = (ops: Op[]) => nextBlockSame(executor, w, ops)
    const transfers = (n: number) =>
      Array.from({ length: n }, (_, i): Op => ({ kind: 'erc20', from: i, to: recipient++, amount: 1n }))
    try {
      expect((await run(transfers(32))).mode).toBe('parallel')
      await run(transfers(32)) // the replicas now hold every sender and the token
      // 40 blocks below minParallelTxs run serially; each moves senders' balances and nonces.
      for (let b = 0; b < 40; b++) expect((await run(transfers(2))).mode).toBe('serial')
      const after = await run(transfers(32))
      expect(after.mode).toBe('parallel')
      expect(after.replicaReads).toBe(0)
      expect(after.reExecuted).toBe(0)
    } finally {
      await executor.close()
    }
  })

  it('keeps worker replicas warm across blocks and learns hot contracts', async () => {
    // A fresh executor: nothing learned yet (deploy addresses repeat across workloads).
    const executor = createParallelExecutor({ workers: 2, minParallelTxs: 1 })
    const w = await Workload.create({ senders: 32, counters: 1, compiled })
    const stats = []
    try {
      for (let b = 0; b < 4; b++) {
        // Every other transaction increments the hot counter; the rest are independent token transfers.
        const ops: Op[] = Array.from(
          { length: 32 },
          (_, i): Op =>
            i % 2 === 0
              ? { kind: 'hot', from: i }
              : { kind: 'erc20', from: i, to: 100 + i + b * 32, amount: 1n },
        )
        stats.push(await nextBlockSame(executor, w, ops))
      }
    } finally {
      await executor.close()
    }
    // Block 1 discovers the counter conflicts; afterwards the counter's calls form one chain and nothing is re-executed.
    expect(stats[0]?.reExecuted).toBeGreaterThan(0)
    expect(stats[3]?.reExecuted).toBe(0)
    expect(stats[3]?.hot).toContain(w.counters[0])
    // Fees are credited as deltas: no transaction conflicts on the coinbase.
    expect(stats[3]?.lazyCoinbase).toBe(32)
    // The replicas were brought forward with each block's write set: later blocks only miss the new recipients.
    expect(stats[3]?.replicaReads).toBeLessThan(stats[0]?.replicaReads as number)
  })

  it('nonce chains do not make a contract hot; a sender chain sees its own writes', async () => {
    const executor = createParallelExecutor({ workers: 2, minParallelTxs: 1, wasm: WASM_ENGINE_SOURCE })
    const w = await Workload.create({ senders: 8, counters: 1, compiled })
    try {
      for (let b = 0; b < 3; b++) {
        // Every sender sends three token transfers: each reads the balance its previous one wrote.
        const ops: Op[] = Array.from(
          { length: 24 },
          (_, i): Op => ({
            kind: 'erc20',
            from: i % 8,
            to: 1000 + b * 100 + i,
            amount: 1n,
          }),
        )
        const txs = buildBlock(w, ops)
        const h = header(w.number)
        const expected = await createSerialExecutor({ wasm: w.engine }).executeBlock(
          { header: h, txs },
          w.state,
        )
        const actual = await executor.executeBlock({ header: h, txs }, w.state)
        expectSame(txs, expected, actual)
        // No conflicts, and every fee credit (EVM and WASM transactions alike) was a lazy coinbase delta.
        expect(executor.stats).toMatchObject({ mode: 'parallel', chains: 8, reExecuted: 0, lazyCoinbase: 24 })
        // The calling thread ran a share itself, next to the worker.
        expect(executor.stats?.callerTxs).toBeGreaterThan(0)
        expect(executor.stats?.callerTxs).toBeLessThan(24)
        expect(executor.stats?.hot).not.toContain(w.token)
        w.state.apply(expected.writeSet)
        w.number++
      }
    } finally {
      await executor.close()
    }
  })

  it('verifyParallel reports the first differing transaction loudly', async () => {
    const w = await Workload.create({ senders: 8, counters: 1, compiled })
    // Every transaction on the worker (callerWeight 0): only its replica can go stale.
    const executor = createParallelExecutor({
      workers: 2,
      callerWeight: 0,
      minParallelTxs: 1,
      verifyParallel: true,
    })
    try {
      const transfers = () =>
        buildBlock(
          w,
          Array.from({ length: 8 }, (_, i): Op => ({ kind: 'erc20', from: i, to: 100 + i, amount: 1n })),
        )
      // Block 1 warms the workers' replicas (they now hold every sender's token balance).
      const first = await executor.executeBlock({ header: header(w.number), txs: transfers() }, w.state)
      w.state.apply(first.writeSet)
      w.number++
      // A store bug: sender 5's token balance is zeroed without updating the state commitment,
      // so the replicas (which trust the unchanged root) are stale and transfer 5 succeeds in
      // parallel while it reverts serially.
      const victim = w.senders[5] as Address
      const slot = keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [victim, 3n]))
      w.state.apply({
        accounts: new Map(),
        storage: new Map([[w.token, new Map([[slot, ZERO_WORD]])]]),
        code: new Map(),
      })
      const txs = transfers()
      const failure = await executor.executeBlock({ header: header(w.number), txs }, w.state).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(failure).toBeInstanceOf(ParallelMismatchError)
      const error = failure as ParallelMismatchError
      expect(error.code).toBe('PARALLEL_MISMATCH')
      expect(error.mismatch.txIndex).toBe(5)
      expect(error.mismatch.field).toBe('receipt.status')
      expect(error.message).toContain(`transaction 5 (${txs[5]?.hash})`)
    } finally {
      await executor.close()
    }
  })
})

describe('ParallelExecutor on the fast engine equals SerialExecutor on ethereumjs', () => {
  let compiled: CompiledExamples
  const executors: ParallelExecutor[] = [
    createParallelExecutor({
      workers: 2,
      minParallelTxs: 1,
      serialChainShare: 2,
      workerCommitEntries: 1,
      wasm: WASM_ENGINE_SOURCE,
      evm: 'fast',
    }),
    createParallelExecutor({ workers: 4, minParallelTxs: 1, wasm: WASM_ENGINE_SOURCE, evm: 'fast' }),
  ]
  beforeAll(async () => {
    compiled = await compileExamples({ wasm: true })
    await Promise.all(executors.map((e) => e.start()))
  }, 300_000) // compiling and starting workers takes long on a loaded machine
  afterAll(() => Promise.all(executors.map((e) => e.close())))

  it('on random blocks (pool sizes 2, 4; conflict 0-100%): the fast engine ran them, on every thread', async () => {
    let reExecuted = 0
    await fc.assert(
      fc.asyncProperty(fc.array(blockArb, { minLength: 2, maxLength: 3 }), async (blocks) => {
        const w = await Workload.create({ senders: SENDERS, counters: 2, compiled })
        for (const ops of blocks) {
          const txs = buildBlock(w, ops)
          const h = header(w.number, 6_000_000n)
          // The reference is the other engine, serially: engine and executor are checked at once.
          const expected = await createSerialExecutor({ wasm: w.engine, evm: 'ethereumjs' }).executeBlock(
            { header: h, txs },
            w.state,
          )
          for (const executor of executors) {
            expectSame(txs, expected, await executor.executeBlock({ header: h, txs }, w.state))
            reExecuted += executor.stats?.reExecuted ?? 0
          }
          w.state.apply(expected.writeSet)
          w.number++
          w.resetNonces()
        }
      }),
      { numRuns: 4, examples: [[EXAMPLE]] },
    )
    expect(reExecuted).toBeGreaterThan(0)
    for (const executor of executors) {
      expect(executor.engine).toBe('fast')
      expect(executor.evmStats.fast).toBeGreaterThan(0)
    }
  })

  it('workers run the fast engine; its read and write sets feed the scheduler as ethereumjs does', async () => {
    const w = await Workload.create({ senders: 8, counters: 1, compiled })
    const run = async (evm: 'fast' | 'ethereumjs', b: number) => {
      // Every transaction on the worker (callerWeight 0): what its engine reads and writes is all there is.
      const executor = createParallelExecutor({ workers: 2, callerWeight: 0, minParallelTxs: 1, evm })
      try {
        const ops = Array.from(
          { length: 24 },
          (_, i): Op => ({ kind: 'erc20', from: i % 8, to: 1000 + b * 100 + i, amount: 1n }),
        )
        const txs = buildBlock(w, ops)
        const h = header(w.number)
        const expected = await createSerialExecutor({ evm: 'ethereumjs' }).executeBlock(
          { header: h, txs },
          w.state,
        )
        expectSame(txs, expected, await executor.executeBlock({ header: h, txs }, w.state))
        return { stats: { ...executor.stats }, evm: executor.evmStats }
      } finally {
        await executor.close()
      }
    }
    const fast = await run('fast', 0)
    w.resetNonces()
    const reference = await run('ethereumjs', 0)
    // The same chains, no conflict, every fee credit a lazy coinbase delta (the fast engine marks the end of
    // the call as PhasedEVM does), on both engines.
    for (const { stats } of [fast, reference])
      expect(stats).toMatchObject({
        mode: 'parallel',
        chains: 8,
        reExecuted: 0,
        lazyCoinbase: 24,
        callerTxs: 0,
      })
    // The worker really ran the fast engine (it reports each transaction), and ethereumjs counts nothing.
    expect(fast.evm).toMatchObject({ fast: 24, fallback: 0 })
    expect(reference.evm).toMatchObject({ fast: 0, fallback: 0 })
  })
})
