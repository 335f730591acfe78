/*
 * Over 400 lines on purpose: the ParallelExecutor's block loop (executeParallel) polls the workers, runs the
 * calling thread's share, validates, re-executes and commits in one pass per transaction, and stays whole so
 * that nothing is added per transaction; the parts around it are in options, callerWeight, replicaDeltas,
 * commitJournal, validate, applyResult, reExecution and commitOnWorkers. The rest is a runnable @example.
 */
import { availableParallelism } from 'node:os'
import {
  type BlockContext,
  type BlockExecutionResult,
  createSilentLogger,
  type ExecutableTx,
  type Executor,
  InvalidParameterError,
  type Logger,
  LogsBloom,
  type Receipt,
  type SkippedTx,
  type StateView,
  ZERO_WORD,
} from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import type { CustomPrecompiles } from '../evm/precompiles.js'
import { SerialExecutor } from '../executor/serial.js'
import { EventLoopYield } from '../executor/yield.js'
import { stateRootOf } from '../state/commitment.js'
import type { WasmEngine } from '../wasm/types.js'
import { applyResult } from './applyResult.js'
import { INITIAL_CALLER_WEIGHT, nextCallerWeight } from './callerWeight.js'
import { CommitJournal } from './commitJournal.js'
import { commitOnWorkers } from './commitOnWorkers.js'
import { compareBlockResults } from './compare.js'
import { ParallelMismatchError } from './errors.js'
import { loadFactory } from './loadFactory.js'
import {
  defaultParallelExecutorOptions,
  type ParallelBlockStats,
  type ParallelExecutorOptions,
} from './options.js'
import { WorkerPool } from './pool.js'
import { failedTxResult, GUESSED, type TxResult, type WorkerToMain } from './protocol.js'
import { ReExecution } from './reExecution.js'
import { ReplicaDeltas } from './replicaDeltas.js'
import { ConflictLearner, planBlock } from './scheduler.js'
import { SpeculativeRunner } from './speculative.js'
import { firstConflict } from './validate.js'
import type { WarmUpResult } from './warmup.js'

/** What the calling thread's runner stands on between blocks (each block gives it the committed state). */
const EMPTY_STATE: StateView = {
  getAccount: () => undefined,
  getCode: () => undefined,
  getStorage: () => ZERO_WORD,
}

/**
 * The optimistic parallel executor (Monad-style execute → validate → re-execute).
 *
 * 1. The block's transactions are grouped into chains (sender nonces, access
 *    lists, learned hot contracts) and spread over warm workers, each holding a
 *    replica of the committed state and one EVM/WASM runtime.
 * 2. Workers run their share in block order against the pre-block state plus
 *    their chain's earlier writes, recording first reads (with values) and writes.
 * 3. The calling thread commits in block order: a transaction whose reads all
 *    still hold (by value) has its writes applied; otherwise it is re-executed
 *    right there, on the exact state, with the serial executor's own code.
 *
 * Implements core's `Executor`, like `SerialExecutor`, so a node can swap them.
 */
export class ParallelExecutor implements Executor {
  readonly workers: number
  private readonly options: ParallelExecutorOptions
  private readonly log: Logger
  private readonly learner = new ConflictLearner()
  private pool: WorkerPool | undefined
  private starting: Promise<void> | undefined
  private mainWasm: WasmEngine | undefined
  private mainPrecompiles: CustomPrecompiles | undefined
  private serial: SerialExecutor | undefined
  /** The calling thread's own speculative runner (over each block's committed state). */
  private runner: SpeculativeRunner | undefined
  /** The calling thread's current weight in `planBlock` (see `callerWeight`), and whether it adapts. */
  private callerWeight: number
  private readonly adaptCallerWeight: boolean
  private blockId = 0
  /** The write sets that bring the workers' replicas forward from block to block. */
  private readonly replicas = new ReplicaDeltas()
  /** The block in flight: where a dying worker's transactions are marked for re-execution. */
  private inflight:
    | { shares: { index: number }[][]; results: (TxResult | undefined)[]; wake: () => void }
    | undefined
  private queue: Promise<void> = Promise.resolve()
  /** Stats of the last `executeBlock`. */
  stats: ParallelBlockStats | undefined

  constructor(options: ParallelExecutorOptions = {}) {
    const workers = options.workers ?? availableParallelism()
    if (!Number.isInteger(workers) || workers < 1 || workers > 256)
      throw new InvalidParameterError({
        param: 'workers',
        expected: 'an integer from 1 to 256',
        got: workers,
      })
    this.workers = workers
    const callerWeight = options.callerWeight ?? 'auto'
    if (callerWeight !== 'auto' && !(Number.isFinite(callerWeight) && callerWeight >= 0))
      throw new InvalidParameterError({
        param: 'callerWeight',
        expected: "'auto' or a number >= 0",
        got: callerWeight,
      })
    this.adaptCallerWeight = callerWeight === 'auto'
    this.callerWeight = callerWeight === 'auto' ? INITIAL_CALLER_WEIGHT : callerWeight
    this.options = options
    this.log = (options.logger ?? createSilentLogger()).child({ module: 'parallel-executor' })
  }

  /** Each worker's JIT warm-up (`warmupTxs`), once it has ended; empty before. */
  get warmUps(): readonly WarmUpResult[] {
    return this.pool?.warmUps ?? []
  }

  /** Starts the worker threads and waits until each holds a ready EVM (and WASM engine). Idempotent. */
  async start(): Promise<void> {
    if (this.serial && (this.workers === 1 || this.pool)) return
    this.starting ??= (async () => {
      if (!this.serial) {
        this.mainWasm = await loadFactory<WasmEngine>(this.options.wasm, 'wasm')
        this.mainPrecompiles = await loadFactory<CustomPrecompiles>(this.options.precompiles, 'precompiles')
        this.serial = new SerialExecutor({
          wasm: this.mainWasm,
          precompiles: this.mainPrecompiles,
          yieldEveryMs: this.options.yieldEveryMs,
        })
      }
      if (this.workers > 1 && !this.pool) {
        this.runner ??= new SpeculativeRunner(EMPTY_STATE, this.mainWasm, this.mainPrecompiles)
        const pool = new WorkerPool(this.workers - 1)
        await pool.start({
          wasm: this.options.wasm,
          precompiles: this.options.precompiles,
          committedState: this.options.committedState,
          batch: this.options.batch ?? defaultParallelExecutorOptions.batch,
          warmupTxs: this.options.warmupTxs ?? 0,
          maxReplicaEntries:
            this.options.maxReplicaEntries ?? defaultParallelExecutorOptions.maxReplicaEntries,
        })
        pool.onWorkerExit((index, reason) => this.workerDied(pool, index, reason))
        this.pool = pool
        this.replicas.forget()
      }
    })()
    try {
      await this.starting
    } finally {
      this.starting = undefined
    }
  }

  /** Waits for the block in flight, then terminates the workers. The executor can be started again. */
  async close(): Promise<void> {
    await this.starting?.catch(() => {})
    await this.queue // a block in flight finishes first
    const pool = this.pool
    this.pool = undefined
    this.serial = undefined
    this.runner = undefined
    this.replicas.clear()
    await pool?.close()
  }

  /** Blocks run one at a time (the pool and the replicas follow one chain of states). */
  executeBlock(
    block: { header: BlockContext; txs: readonly ExecutableTx[] },
    state: StateView,
  ): Promise<BlockExecutionResult> {
    const run = this.queue.then(() => this.executeOne(block, state))
    this.queue = run.then(
      () => undefined,
      () => undefined,
    )
    return run
  }

  private async executeOne(
    block: { header: BlockContext; txs: readonly ExecutableTx[] },
    state: StateView,
  ): Promise<BlockExecutionResult> {
    if (!this.serial || (this.workers > 1 && !this.pool)) await this.start()
    const serial = this.serial as SerialExecutor
    const { header, txs } = block
    const preRoot = this.workers > 1 ? stateRootOf(state) : undefined
    let result: BlockExecutionResult
    const plan =
      this.pool &&
      txs.length >= (this.options.minParallelTxs ?? defaultParallelExecutorOptions.minParallelTxs)
        ? planBlock(txs, this.workers, this.learner, [this.callerWeight])
        : undefined
    const serialShare = this.options.serialChainShare ?? defaultParallelExecutorOptions.serialChainShare
    if (!plan || !this.pool || !preRoot || plan.largestChain >= serialShare * txs.length) {
      result = await serial.executeBlock(block, state)
      this.stats = {
        mode: 'serial',
        txs: txs.length,
        chains: plan?.chains ?? 1,
        reExecuted: 0,
        lazyCoinbase: 0,
        replicaReads: 0,
        mispredicted: 0,
        hot: this.learner.hot(),
        callerTxs: 0,
      }
    } else {
      result = await this.executeParallel(header, txs, state, preRoot, plan.shares, this.pool)
      if (this.stats) this.stats.chains = plan.chains
    }
    if (preRoot) this.replicas.record(preRoot, result)
    if (this.options.verifyParallel) {
      const expected = await serial.executeBlock(block, state)
      const mismatch = compareBlockResults(
        txs.map((t) => t.hash),
        expected,
        result,
      )
      if (mismatch) {
        this.log.error({ block: header.number, ...mismatch }, 'parallel result differs from serial')
        throw new ParallelMismatchError(header.number, mismatch)
      }
    }
    return result
  }

  private workerDied(pool: WorkerPool, index: number, reason: string): void {
    this.log.error({ worker: index, reason }, 'worker exited; the pool restarts on the next block')
    if (this.pool === pool) this.pool = undefined
    this.replicas.forget()
    const inflight = this.inflight
    if (inflight) {
      // Share 0 is the calling thread's; worker `index` ran share `index + 1`.
      for (const { index: i } of inflight.shares[index + 1] ?? [])
        inflight.results[i] ??= failedTxResult(i, reason)
      inflight.wake()
    } else {
      void pool.close()
    }
  }

  private async executeParallel(
    header: BlockContext,
    txs: readonly ExecutableTx[],
    state: StateView,
    preRoot: Hex,
    shares: { index: number; chain: number; tx: ExecutableTx }[][],
    pool: WorkerPool,
  ): Promise<BlockExecutionResult> {
    const n = txs.length
    const id = ++this.blockId
    const results: (TxResult | undefined)[] = new Array(n)
    let wake: (() => void) | undefined
    const started = performance.now()
    /** When the calling thread last saw a worker's results, and finished its own share (ms since dispatch). */
    let workersDoneAt = 0
    let ownDoneAt = 0
    const deliver = (message: WorkerToMain, share: { index: number }[]) => {
      if (message.type === 'results') {
        if (message.id !== id) return
        for (const r of message.results) results[r.index] = r
        workersDoneAt = performance.now() - started
      } else if (message.type === 'failed') {
        if (message.id !== id) return
        // The worker gave up on the block: its remaining transactions are re-executed here.
        for (const { index } of share) results[index] ??= failedTxResult(index, message.message)
      }
      wake?.()
    }
    const sync = this.replicas.syncFor(preRoot)
    pool.state = state
    const readsBefore = pool.reads
    pool.ref()
    this.inflight = { shares, results, wake: () => wake?.() }
    try {
      for (let w = 1; w < shares.length; w++) {
        const share = shares[w] as { index: number; chain: number; tx: ExecutableTx }[]
        if (share.length === 0) continue
        pool.send(w - 1, { type: 'block', id, header, sync, txs: share }, (m) => deliver(m, share))
      }
      // The calling thread's own share runs on its own runner, straight over the committed state.
      const own = shares[0] ?? []
      let ownNext = 0
      const turn = new EventLoopYield(
        this.options.yieldEveryMs ?? defaultParallelExecutorOptions.yieldEveryMs,
      )
      const runner = this.runner as SpeculativeRunner
      if (own.length > 0) runner.beginBlock(header, state)

      const journal = new CommitJournal(state)
      const reExecution = new ReExecution(header, journal, this.mainWasm, this.mainPrecompiles)
      const coinbase = header.coinbase.toLowerCase() as Address
      const receipts: Receipt[] = []
      const included: ExecutableTx[] = []
      const skipped: SkippedTx[] = []
      const bloom = new LogsBloom()
      const calls = new Map<Address, number>()
      const conflicts = new Map<Address, number>()
      let gasUsed = 0n
      let reExecuted = 0
      let lazyCoinbase = 0
      const corrections: [Address, Hex, Hex][] = []
      let mispredicted = 0

      for (let i = 0; i < n; i++) {
        let r = results[i]
        while (r === undefined) {
          // Workers' results and replica reads first (they must not wait on us), then our own share.
          pool.poll()
          r = results[i]
          if (r !== undefined) break
          const next = own[ownNext]
          if (next) {
            ownNext++
            results[next.index] = await runner.run(next.index, next.chain, next.tx)
            if (ownNext === own.length) ownDoneAt = performance.now() - started
            if (turn.due()) await turn.take()
          } else {
            await new Promise<void>((resolve) => {
              wake = resolve
            })
            wake = undefined
          }
          r = results[i]
        }
        results[i] = undefined
        // Guesses about the pre-block state (validate.ts explains both checks), inline: once per transaction.
        let wrongGuess = false
        for (const [address, slot, value, source] of r.storageReads) {
          if (source !== GUESSED) continue
          const actual = state.getStorage(address, slot)
          if (actual !== value) {
            corrections.push([address, slot, actual])
            wrongGuess = true
          }
        }
        if (wrongGuess) mispredicted++
        const tx = txs[i] as ExecutableTx
        const to = tx.to?.toLowerCase() as Address | undefined
        if (to) calls.set(to, (calls.get(to) ?? 0) + 1)
        const remaining = header.gasLimit - gasUsed
        if (tx.gas > remaining) {
          skipped.push({
            hash: tx.hash,
            reason: `gas limit ${tx.gas} exceeds the block's remaining gas ${remaining}`,
          })
          continue
        }
        const conflict = r.error === undefined ? firstConflict(r, journal) : 'error'
        if (conflict === undefined && applyResult(r, journal, coinbase)) {
          if (r.coinbaseDelta !== undefined) lazyCoinbase++
          if (to && r.chainDependency) conflicts.set(to, (conflicts.get(to) ?? 0) + 1)
          if (r.skipped !== undefined) {
            skipped.push({ hash: tx.hash, reason: r.skipped })
            continue
          }
          const receipt = r.receipt as Receipt
          gasUsed += receipt.gasUsed
          receipts.push({ ...receipt, transactionIndex: receipts.length, cumulativeGasUsed: gasUsed })
          included.push(tx)
          if (receipt.logs.length > 0) bloom.orHex(receipt.logsBloom)
          continue
        }
        // Invalidated (or failed): run it again here, on the exact state, as the serial executor does.
        reExecuted++
        // A wrong guess about the pre-block state is no conflict between transactions.
        if (to && !wrongGuess) conflicts.set(to, (conflicts.get(to) ?? 0) + 1)
        const outcome = await reExecution.run(tx, remaining, gasUsed, receipts.length)
        if (!outcome.included) {
          skipped.push({ hash: tx.hash, reason: outcome.reason })
          continue
        }
        receipts.push(outcome.receipt)
        included.push(tx)
        bloom.or(outcome.bloom)
        gasUsed = outcome.receipt.cumulativeGasUsed
      }
      this.learner.observe(calls, conflicts)
      this.replicas.corrections = { root: preRoot, entries: corrections }
      if (this.adaptCallerWeight)
        this.callerWeight = nextCallerWeight(this.callerWeight, own.length, ownDoneAt, workersDoneAt)
      const committedAt = performance.now()
      const writeSet = journal.writeSet()
      const stateRoot = await commitOnWorkers(
        state,
        writeSet,
        pool,
        id,
        this.options.workerCommitEntries ?? defaultParallelExecutorOptions.workerCommitEntries,
      )
      this.stats = {
        mode: 'parallel',
        txs: n,
        chains: 0,
        reExecuted,
        lazyCoinbase,
        replicaReads: pool.reads - readsBefore,
        mispredicted,
        hot: this.learner.hot(),
        callerTxs: own.length,
        callerDoneMs: Math.round(ownDoneAt),
        workersDoneMs: Math.round(workersDoneAt),
        commitMs: Math.round(performance.now() - committedAt),
      }
      return { receipts, included, skipped, gasUsed, logsBloom: bloom.toHex(), writeSet, stateRoot }
    } finally {
      this.inflight = undefined
      this.runner?.view.setBase(EMPTY_STATE)
      pool.state = undefined
      if (this.pool === pool) pool.unref()
      else await pool.close()
    }
  }
}

/**
 * Creates the optimistic parallel executor (see `ParallelExecutor`). Results are identical to the serial
 * executor's; `close()` it to end its worker threads.
 *
 * @example
 * ```ts
 * import assert from 'node:assert'
 * import { createMemoryState, createParallelExecutor, createSerialExecutor } from '@rollup-mesh/dual-vm'
 *
 * const senders = Array.from({ length: 32 }, (_, i) => `0x${(0xa11ce00 + i).toString(16).padStart(40, '0')}`)
 * const state = createMemoryState(Object.fromEntries(senders.map((a) => [a, { balance: 10n ** 18n }])))
 * const header = {
 *   number: 1n,
 *   timestamp: 1_700_000_000n,
 *   coinbase: '0x000000000000000000000000000000000000c0de',
 *   baseFeePerGas: 1n,
 *   gasLimit: 30_000_000n,
 *   chainId: 1n,
 *   prevRandao: `0x${'00'.repeat(32)}`,
 * }
 * const txs = senders.map((from, i) => ({
 *   hash: `0x${(i + 1).toString(16).padStart(64, '0')}`,
 *   from,
 *   type: 'eip1559',
 *   nonce: 0n,
 *   to: senders[(i + 1) % senders.length],
 *   value: 1n,
 *   data: '0x',
 *   gas: 21_000n,
 *   maxFeePerGas: 2n,
 *   maxPriorityFeePerGas: 1n,
 * }))
 * const parallel = createParallelExecutor({ workers: 2 }) // the calling thread and one worker thread
 * try {
 *   const result = await parallel.executeBlock({ header, txs }, state)
 *   const serial = await createSerialExecutor().executeBlock({ header, txs }, state)
 *   assert.equal(result.stateRoot, serial.stateRoot) // parallel == serial, bit for bit
 * } finally {
 *   await parallel.close()
 * }
 * ```
 */
export function createParallelExecutor(options: ParallelExecutorOptions = {}): ParallelExecutor {
  return new ParallelExecutor(options)
}
