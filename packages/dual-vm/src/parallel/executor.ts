import { availableParallelism } from 'node:os'
import {
  type AccountState,
  type BlockContext,
  type BlockExecutionResult,
  createSilentLogger,
  EMPTY_CODE_HASH,
  type ExecutableTx,
  type Executor,
  InvalidParameterError,
  type Logger,
  LogsBloom,
  type Receipt,
  type SkippedTx,
  type StateView,
  type WriteSet,
  ZERO_WORD,
} from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import { DualVmEVM } from '../evm/dualEvm.js'
import type { CustomPrecompiles } from '../evm/precompiles.js'
import { blockHashLookup, SerialExecutor, toEthBlock } from '../executor/serial.js'
import { runTransaction } from '../executor/transaction.js'
import { DEFAULT_YIELD_EVERY_MS, EventLoopYield } from '../executor/yield.js'
import {
  changeCount,
  commitWriteSetDelta,
  ltHashChanges,
  ltHashOfChanges,
  splitChanges,
  stateRootOf,
} from '../state/commitment.js'
import { JournaledState, sameAccount } from '../state/journal.js'
import { addLtHash, createLtHash } from '../state/ltHash.js'
import type { WasmEngine } from '../wasm/types.js'
import { compareBlockResults } from './compare.js'
import { ParallelMismatchError } from './errors.js'
import { WorkerPool } from './pool.js'
import {
  type CommittedStateSource,
  FROM_REPLICA,
  GUESSED,
  type ReplicaSync,
  type TxResult,
  type WasmEngineSource,
  type WireWriteSet,
  type WorkerToMain,
  writeSetToWire,
} from './protocol.js'
import { ConflictLearner, planBlock } from './scheduler.js'
import { SpeculativeRunner } from './speculative.js'
import type { WarmUpResult } from './warmup.js'

export type ParallelExecutorOptions = {
  /**
   * Executing threads, the calling thread included (it runs a share of each block besides validating and
   * committing): `workers - 1` worker threads. Default `os.availableParallelism()`; 1 runs every block
   * serially on the calling thread.
   */
  workers?: number
  /**
   * How much of a block the calling thread executes itself, relative to one worker thread: 0 leaves it
   * only validation and commit; 'auto' (default) adapts it block by block so that the calling thread
   * finishes its share when the workers finish theirs.
   */
  callerWeight?: number | 'auto'
  /**
   * While it executes its own share, the calling thread lets its event loop run (one `setImmediate` turn)
   * at least this often, in ms, so a node keeps accepting transactions and answering RPC during a long
   * block. 0 never yields. Default 5.
   */
  yieldEveryMs?: number
  /**
   * Token transfers each worker runs on a scratch state right after it starts, so that V8 has optimised
   * the EVM before the first real block: a cold worker ran its first ~1,300 ERC20 transfers at about twice
   * the warm cost (measured). The warm-up stops as soon as work arrives. Default 0 (none).
   */
  warmupTxs?: number
  /**
   * How workers (and the calling thread, for re-executions) build their WASM
   * engine. Engines cannot cross threads, so this names a module and a factory.
   */
  wasm?: WasmEngineSource
  /** The chain's custom precompiles, loaded the same way in every worker (a factory returning the map). */
  precompiles?: WasmEngineSource
  /**
   * Where workers read committed state themselves (a factory returning a `CommittedStateReader`, e.g.
   * chain's `openCommittedState` over the node's store). Used for a block only while its `root()` is the
   * block's pre-state root; otherwise, or when absent, replica misses are served by the calling thread.
   */
  committedState?: CommittedStateSource
  /** Execute every block serially too and throw `ParallelMismatchError` on the first difference. */
  verifyParallel?: boolean
  /** Blocks with fewer transactions run serially (dispatch costs more than it saves). Default 16. */
  minParallelTxs?: number
  /** A chain holding at least this share of the block makes it run serially. Default 0.9. */
  serialChainShare?: number
  /** Results a worker sends per message. Default 16. */
  batch?: number
  /** A worker's replica starts over when it holds more accounts and slots than this. Default 2,000,000. */
  maxReplicaEntries?: number
  /** The workers hash a block's state-commitment changes from this many entries on (fewer: the main thread). Default 64. */
  workerCommitEntries?: number
  logger?: Logger
}

export const defaultParallelExecutorOptions = {
  minParallelTxs: 16,
  serialChainShare: 0.9,
  batch: 16,
  maxReplicaEntries: 2_000_000,
  workerCommitEntries: 64,
  yieldEveryMs: DEFAULT_YIELD_EVERY_MS,
} as const

/** What the last block cost; `reExecuted` counts transactions whose speculative run was discarded. */
export type ParallelBlockStats = {
  mode: 'serial' | 'parallel'
  txs: number
  chains: number
  reExecuted: number
  /** Fee credits applied as deltas (the coinbase was not otherwise read). */
  lazyCoinbase: number
  /** Replica misses the main thread served during the block (synchronous fetches). */
  replicaReads: number
  /** Transactions whose guess of an unknown storage slot (zero) was wrong; the workers learn the value. */
  mispredicted: number
  hot: Address[]
  /** Transactions the calling thread executed speculatively itself (its share). */
  callerTxs: number
  /** Milliseconds from dispatch until the calling thread finished its share, and until the workers' last results came in. */
  callerDoneMs?: number
  workersDoneMs?: number
  /** Milliseconds from the last transaction committed to the state root (the commitment). */
  commitMs?: number
}

const EMPTY_ACCOUNT: AccountState = { nonce: 0n, balance: 0n, codeHash: EMPTY_CODE_HASH, vm: 'evm' }
/** What the calling thread's runner stands on between blocks (each block gives it the committed state). */
const EMPTY_STATE: StateView = {
  getAccount: () => undefined,
  getCode: () => undefined,
  getStorage: () => ZERO_WORD,
}

/** A block journal that remembers which keys the block has written (so unwritten reads validate for free). */
class CommitJournal extends JournaledState {
  readonly writtenAccounts = new Set<Address>()
  readonly writtenSlots = new Set<string>()

  override putAccount(address: Address, account: AccountState | null): void {
    this.writtenAccounts.add(address)
    super.putAccount(address, account)
  }

  override putStorage(address: Address, slot: Hex, value: Hex): void {
    this.writtenSlots.add(address + slot)
    super.putStorage(address, slot, value)
  }
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
  /** Root the workers' replicas mirror, and the blocks executed since (to bring them forward). */
  private workersRoot: Hex | undefined
  private deltas: { from: Hex; to: Hex; writes: WireWriteSet }[] = []
  /** Wrong storage guesses of the last parallel block, for the workers' next sync. */
  private corrections: ReplicaSync['corrections']
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
        this.workersRoot = undefined
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
    this.workersRoot = undefined
    this.deltas = []
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
    if (preRoot) this.recordDelta(preRoot, result)
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
    this.workersRoot = undefined
    const inflight = this.inflight
    if (inflight) {
      // Share 0 is the calling thread's; worker `index` ran share `index + 1`.
      for (const { index: i } of inflight.shares[index + 1] ?? [])
        inflight.results[i] ??= {
          index: i,
          error: reason,
          accountReads: [],
          storageReads: [],
          writes: empty(),
        }
      inflight.wake()
    } else {
      void pool.close()
    }
  }

  private recordDelta(preRoot: Hex, result: BlockExecutionResult): void {
    if (this.workersRoot === undefined) return
    this.deltas.push({ from: preRoot, to: result.stateRoot, writes: writeSetToWire(result.writeSet) })
    if (this.deltas.length > 32) {
      // A node with many small (serial) blocks between parallel ones: fold the chain of write sets into
      // one instead of letting the replicas go cold; a broken chain or a huge fold starts them over.
      const folded = foldDeltas(this.deltas)
      this.deltas = folded ? [folded] : []
      if (!folded) this.workersRoot = undefined
    }
  }

  /** What brings the workers' replicas to `preRoot`: nothing, the write sets since, or a reset. */
  private syncFor(preRoot: Hex): ReplicaSync {
    const path: ReplicaSync['deltas'] = []
    if (this.workersRoot !== preRoot) {
      let at = this.workersRoot
      for (const delta of this.deltas) {
        if (delta.from === at) {
          path.push(delta)
          at = delta.to
        }
      }
      if (at !== preRoot) path.length = 0
    }
    this.workersRoot = preRoot
    this.deltas = []
    const corrections = this.corrections
    this.corrections = undefined
    return corrections ? { root: preRoot, deltas: path, corrections } : { root: preRoot, deltas: path }
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
        for (const { index } of share)
          results[index] ??= {
            index,
            error: message.message,
            accountReads: [],
            storageReads: [],
            writes: empty(),
          }
      }
      wake?.()
    }
    const sync = this.syncFor(preRoot)
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
      let evm: DualVmEVM | undefined
      const ethBlock = toEthBlock(header)
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
        evm ??= new DualVmEVM({
          chainId: header.chainId,
          state: journal,
          wasm: this.mainWasm,
          blockHash: blockHashLookup(header),
          precompiles: this.mainPrecompiles,
        })
        const outcome = await runTransaction(
          {
            evm,
            header,
            ethBlock,
            gasRemaining: remaining,
            cumulativeGasUsed: gasUsed,
            index: receipts.length,
          },
          tx,
        )
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
      this.corrections = { root: preRoot, entries: corrections }
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

/** The calling thread's weight before it has measured a block: half a worker's share. */
const INITIAL_CALLER_WEIGHT = 0.5
const MIN_CALLER_WEIGHT = 0.02
const MAX_CALLER_WEIGHT = 4

/**
 * Balances the calling thread's share for the next block. It finished its own share at `ownDoneAt` and saw
 * the workers' last results at `workersDoneAt` (ms after dispatch): finishing first means it then waited, so
 * it takes more; finishing last means the workers' results queued up behind it, so it takes less. Steps are
 * damped (square root, at most 2x) so one noisy block does not swing the split.
 */
export function nextCallerWeight(
  weight: number,
  ownTxs: number,
  ownDoneAt: number,
  workersDoneAt: number,
): number {
  if (ownTxs === 0) return Math.max(weight, MIN_CALLER_WEIGHT) // nothing measured: keep a small share
  if (!(ownDoneAt > 0 && workersDoneAt > 0)) return weight
  const ratio = Math.min(4, Math.max(0.25, workersDoneAt / ownDoneAt))
  return Math.min(MAX_CALLER_WEIGHT, Math.max(MIN_CALLER_WEIGHT, weight * Math.sqrt(ratio)))
}

/**
 * The state root of a parallel block: the workers, idle once the block's transactions are in, hash the
 * changed entries (from `minEntries` on) in equal shares, one share hashed here meanwhile, and this thread
 * adds the sums (the state commitment was ~70% of the main thread's own work in a block of WASM
 * transfers). Any failure falls back to hashing here.
 */
async function commitOnWorkers(
  state: StateView,
  writeSet: WriteSet,
  pool: WorkerPool,
  id: number,
  minEntries: number,
): Promise<Hex> {
  const changes = ltHashChanges(state, writeSet)
  if (changeCount(changes) >= minEntries) {
    try {
      const [mine, ...parts] = splitChanges(changes, pool.size + 1)
      const pending = parts.map((part, i) => pool.ltHash(i, id, part))
      const delta = mine ? ltHashOfChanges(mine) : createLtHash()
      for (const sum of await Promise.all(pending)) addLtHash(delta, sum)
      return commitWriteSetDelta(state, writeSet, delta)
    } catch {
      // A worker died or failed: the executor's exit handler restarts the pool for the next block.
    }
  }
  return commitWriteSetDelta(state, writeSet, ltHashOfChanges(changes))
}

/** Most accounts, slots and codes a folded replica delta may hold before the replicas start over instead. */
const MAX_FOLDED_ENTRIES = 1_000_000

/** Consecutive write sets as one (later writes win), or undefined when they do not chain or are too big. */
function foldDeltas(deltas: ReplicaSync['deltas']): ReplicaSync['deltas'][number] | undefined {
  const first = deltas[0]
  if (!first) return undefined
  const accounts = new Map<Address, AccountState | null>()
  const storage = new Map<string, [Address, Hex, Hex]>()
  const code = new Map<Hex, Uint8Array>()
  let at = first.from
  for (const delta of deltas) {
    if (delta.from !== at) return undefined
    for (const [address, account] of delta.writes.accounts) {
      accounts.delete(address)
      accounts.set(address, account)
    }
    for (const entry of delta.writes.storage) storage.set(entry[0] + entry[1], entry)
    for (const [hash, bytes] of delta.writes.code) code.set(hash, bytes)
    at = delta.to
  }
  if (accounts.size + storage.size + code.size > MAX_FOLDED_ENTRIES) return undefined
  return {
    from: first.from,
    to: at,
    writes: { accounts: [...accounts], storage: [...storage.values()], code: [...code] },
  }
}

function empty(): WireWriteSet {
  return { accounts: [], storage: [], code: [] }
}

/** The address of the first read that no longer holds, or undefined when the speculation is valid. */
function firstConflict(r: TxResult, journal: CommitJournal): Address | undefined {
  for (const [address, value, fromOverlay] of r.accountReads) {
    if (!fromOverlay && !journal.writtenAccounts.has(address)) continue
    if (!sameAccount(journal.getAccount(address), value)) return address
  }
  for (const [address, slot, value, source] of r.storageReads) {
    if (source === FROM_REPLICA && !journal.writtenSlots.has(address + slot)) continue
    if (journal.getStorage(address, slot) !== value) return address
  }
  return undefined
}

/** Applies a validated speculative write set; false when it refers to code the block does not hold. */
function applyResult(r: TxResult, journal: CommitJournal, coinbase: Address): boolean {
  const { accounts, storage, code } = r.writes
  for (const [address, account] of accounts) {
    if (!account || account.codeHash === EMPTY_CODE_HASH) continue
    if (journal.getAccount(address)?.codeHash === account.codeHash) continue
    if (!code.some(([hash]) => hash === account.codeHash) && !journal.getCode(account.codeHash)) return false
  }
  journal.beginTransaction()
  for (const [hash, bytes] of code) {
    const owner = accounts.find(([, a]) => a?.codeHash === hash)
    if (owner?.[1]) journal.putCode(owner[0], bytes, owner[1].vm)
  }
  for (const [address, account] of accounts) journal.putAccount(address, account)
  for (const [address, slot, value] of storage) journal.putStorage(address, slot, value)
  if (r.coinbaseDelta !== undefined && r.coinbaseDelta !== 0n) {
    const current = journal.getAccount(coinbase) ?? EMPTY_ACCOUNT
    journal.putAccount(coinbase, { ...current, balance: current.balance + r.coinbaseDelta })
  }
  return true
}

async function loadFactory<T>(source: WasmEngineSource | undefined, option: string): Promise<T | undefined> {
  if (!source) return undefined
  const mod = (await import(source.module)) as Record<string, unknown>
  const factory = mod[source.exportName]
  if (typeof factory !== 'function')
    throw new InvalidParameterError({
      param: `${option}.exportName`,
      expected: `a factory exported by ${source.module}`,
      got: source.exportName,
    })
  return (await factory(source.options)) as T
}

export function createParallelExecutor(options: ParallelExecutorOptions = {}): ParallelExecutor {
  return new ParallelExecutor(options)
}
