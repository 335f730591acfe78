import { availableParallelism } from 'node:os'
import {
  type BlockContext,
  type BlockExecutionResult,
  createSilentLogger,
  type ExecutableTx,
  type Executor,
  InvalidParameterError,
  type Logger,
  type StateView,
  ZERO_WORD,
} from '@rollup-mesh/core'
import type { Hex } from 'viem'
import type { CustomPrecompiles } from '../evm/precompiles.js'
import {
  addEvmEngineStats,
  countFastEngine,
  createEvmEngineStats,
  type EvmEngine,
  type EvmEngineStats,
  parseEvmEngine,
} from '../executor/fastPath.js'
import { SerialExecutor } from '../executor/serial.js'
import { parseVerifyEvm } from '../executor/verifyEvm.js'
import { EventLoopYield } from '../executor/yield.js'
import { stateRootOf } from '../state/commitment.js'
import type { WasmEngine } from '../wasm/types.js'
import { BlockCommit } from './blockCommit.js'
import { INITIAL_CALLER_WEIGHT, nextCallerWeight } from './callerWeight.js'
import { commitOnWorkers } from './commitOnWorkers.js'
import { loadFactory } from './loadFactory.js'
import {
  defaultParallelExecutorOptions,
  type ParallelBlockStats,
  type ParallelExecutorOptions,
} from './options.js'
import { WorkerPool } from './pool.js'
import { failedTxResult, type TxResult, type WorkerToMain } from './protocol.js'
import { ReplicaDeltas } from './replicaDeltas.js'
import { ConflictLearner, planBlock } from './scheduler.js'
import { checkAgainstSerial } from './selfCheck.js'
import { SpeculativeRunner } from './speculative.js'
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
  /** The EVM every thread runs (`evm` option). */
  readonly engine: EvmEngine
  private readonly verifyEvm: number
  /** Fast-engine counts of the workers' runs and the re-executions (the threads' own are added in `evmStats`). */
  private readonly otherEvmStats: EvmEngineStats = createEvmEngineStats()
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
    this.engine = parseEvmEngine(options.evm)
    this.verifyEvm = parseVerifyEvm(options.verifyEvm)
    this.adaptCallerWeight = callerWeight === 'auto'
    this.callerWeight = callerWeight === 'auto' ? INITIAL_CALLER_WEIGHT : callerWeight
    this.options = options
    this.log = (options.logger ?? createSilentLogger()).child({ module: 'parallel-executor' })
  }

  /**
   * With `evm: 'fast'`: transactions run on the fast engine and those handed to ethereumjs, over every
   * thread (speculative runs, re-executions and serial blocks; a re-executed transaction counts twice).
   */
  get evmStats(): EvmEngineStats {
    const total = createEvmEngineStats()
    addEvmEngineStats(total, this.otherEvmStats)
    if (this.serial) addEvmEngineStats(total, this.serial.evmStats)
    if (this.runner) addEvmEngineStats(total, this.runner.evmStats)
    return total
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
          evm: this.engine,
          verifyEvm: this.verifyEvm,
        })
      }
      if (this.workers > 1 && !this.pool) {
        this.runner ??= new SpeculativeRunner(EMPTY_STATE, this.mainWasm, this.mainPrecompiles, this.engine)
        const pool = new WorkerPool(this.workers - 1)
        await pool.start({
          wasm: this.options.wasm,
          precompiles: this.options.precompiles,
          committedState: this.options.committedState,
          batch: this.options.batch ?? defaultParallelExecutorOptions.batch,
          warmupTxs: this.options.warmupTxs ?? 0,
          evm: this.engine,
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
    // verifyEvm checks each transaction of a serial run; a parallel block is checked through one.
    if (this.options.verifyParallel || (this.verifyEvm > 0 && this.stats?.mode === 'parallel'))
      await checkAgainstSerial(serial, block, state, result, this.log)
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
        for (const r of message.results) {
          results[r.index] = r
          if (r.fastEngine !== undefined) countFastEngine(this.otherEvmStats, r.fastEngine)
        }
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

      const commit = new BlockCommit(header, state, {
        wasm: this.mainWasm,
        precompiles: this.mainPrecompiles,
        engine: this.engine,
        evmStats: this.otherEvmStats,
      })
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
        await commit.commit(txs[i] as ExecutableTx, r)
      }
      this.learner.observe(commit.calls, commit.conflicts)
      this.replicas.corrections = { root: preRoot, entries: commit.corrections }
      if (this.adaptCallerWeight)
        this.callerWeight = nextCallerWeight(this.callerWeight, own.length, ownDoneAt, workersDoneAt)
      const committedAt = performance.now()
      const writeSet = commit.journal.writeSet()
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
        reExecuted: commit.reExecuted,
        lazyCoinbase: commit.lazyCoinbase,
        replicaReads: pool.reads - readsBefore,
        mispredicted: commit.mispredicted,
        hot: this.learner.hot(),
        callerTxs: own.length,
        callerDoneMs: Math.round(ownDoneAt),
        workersDoneMs: Math.round(workersDoneAt),
        commitMs: Math.round(performance.now() - committedAt),
      }
      const { receipts, included, skipped, gasUsed, bloom } = commit
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
