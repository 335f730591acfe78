import type { Executor, Logger, TypedEmitter } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import type { StoredHeader } from './block.js'
import type { BlockCandidate } from './blockCandidate.js'
import type { BlockClock } from './blockClock.js'
import { StaleCandidateError } from './blockErrors.js'
import {
  candidateCommit,
  persistCandidate,
  sealedBlockOf,
  settleCandidate,
  settlePool,
} from './candidateSettlement.js'
import type { CommitWriter } from './commitWriter.js'
import { ChainStoreError } from './errors.js'
import type { Mempool } from './mempool.js'
import type { ChainEvents, SealedBlock } from './sealedBlock.js'
import type { SQLiteStateView } from './state.js'
import type { ChainStore } from './store.js'
import type { StoreRowWrite } from './storeTypes.js'
import { storedHeaderOf } from './storeWrites.js'

/** A block `sealBlock` made the tip: its number, and its commit (resolves once durable and announced). */
export type SealedBlockStart = { block: bigint; durable: Promise<SealedBlock> }

/** What the pipeline moves when a block becomes the tip or the head: the chain's parts. */
export type CommitPipelineParts = {
  store: ChainStore
  state: SQLiteStateView
  mempool: Mempool
  events: TypedEmitter<ChainEvents>
  clock: BlockClock
  executor: Executor
  log: Logger
  /** The commit writer, or undefined: every commit inline. */
  writer?: CommitWriter | undefined
  /** Called once a block passed its checks and is being committed (the chain's dev-mining flag ends). */
  sealing: () => void
}

/**
 * The chain's commit pipeline: the newest executed block (the tip, what the next block builds on) and the
 * newest durable one (the head, what RPC serves), the last 256 hashes up to the tip, and the hand-off of
 * a built block to its commit, inline (`commitInline`: one store transaction, then the head) or on the
 * commit writer (`startCommit`: the tip moves at once, the head once the writer answers; at most one block
 * in flight). `Chain` drives it; a block built on the tip waits here for the block before it.
 *
 * @example
 * ```ts
 * const pipeline = new CommitPipeline({ store, state, mempool, events, clock, executor, log, writer, sealing })
 * pipeline.load() // head = tip = the store's head
 * const { block, durable } = await pipeline.startCommit(await chain.buildBlock())
 * pipeline.tip().number // block: the next one builds on it now
 * await durable // the head, the store and the `block` event caught up
 * ```
 */
export class CommitPipeline {
  /** Hashes of the tip's last 256 blocks, oldest first. */
  readonly recent: Hex[] = []
  /** The newest durable block: what RPC serves as the head. */
  private headHeader: StoredHeader | undefined
  /** The newest executed block (blocks build on it): the head, or the block the commit writer holds. */
  private tipHeader: StoredHeader | undefined
  /** Settles when the block the writer holds is durable or failed (never rejects); null when none. */
  private writing: Promise<void> | null = null
  /** Transactions of blocks the writer holds (not in the store yet, no longer in the pool). */
  private readonly unwritten = new Set<Hex>()

  constructor(private readonly parts: CommitPipelineParts) {}

  /** Reads the head and the last 256 block hashes back from the store (the tip is the head). */
  load(): void {
    const stored = this.parts.store.head() as StoredHeader
    this.headHeader = stored
    this.tipHeader = stored
    const from = stored.number > 255n ? stored.number - 255n : 0n
    this.recent.length = 0
    this.recent.push(...this.parts.store.getHashes(from, stored.number))
  }

  /** The newest durable block (what RPC serves as `latest`). */
  head(): StoredHeader {
    if (!this.headHeader)
      throw new ChainStoreError('Chain is not open.', ['- Call chain.open(genesis) first.'])
    return this.headHeader
  }

  /** The newest executed block, the next one's parent: the head, or the block the writer holds. */
  tip(): StoredHeader {
    if (!this.tipHeader)
      throw new ChainStoreError('Chain is not open.', ['- Call chain.open(genesis) first.'])
    return this.tipHeader
  }

  /** Blocks queued or in flight on the commit writer (0 without one). */
  get depth(): number {
    return this.parts.writer?.depth ?? 0
  }

  /** The commit writer holds a block (the tip is ahead of the head). */
  get holding(): boolean {
    return this.writing !== null
  }

  /** Settles when the block the writer holds is durable or failed (at once when none). */
  async drained(): Promise<void> {
    while (this.writing) await this.writing
  }

  /** The block thread began executing block `number` (the writer's crash hook waits for it). */
  executing(number: bigint): void {
    this.parts.writer?.executing(number)
  }

  /** The transaction is in a block the writer holds (executed, not in the store yet). */
  isUnwritten(hash: Hex): boolean {
    return this.unwritten.has(hash)
  }

  /** Commits a built block: inline, or on the writer once the block before it is durable. */
  async startCommit(c: BlockCandidate): Promise<SealedBlockStart> {
    const writer = this.parts.writer
    if (!writer) {
      const sealed = this.commitInline(c)
      return { block: sealed.header.number, durable: Promise.resolve(sealed) }
    }
    const { state, clock, log } = this.parts
    const started = performance.now()
    // at most one block in flight: this one's commit waits for the previous one's durability
    await this.drained()
    const parent = this.tip()
    const { header, hash } = c
    if (header.parentHash.toLowerCase() !== parent.hash.toLowerCase())
      throw new StaleCandidateError(header.number, header.parentHash, parent.hash)
    if (c.exitCommit)
      throw new ChainStoreError(
        'The exit-root hook persists through a closure; the commit writer needs its rows as data.',
        ['- Return `rows` (and `applied`) from the hook instead of `commit`, or commit inline.'],
      )
    this.parts.sealing()
    const number = header.number
    const commit = candidateCommit(c)
    // the history's before-values from the state cache (at N-1, the block's pre-state; a miss reads this
    // thread's connection, where N-1 is durable now): the writer would read every one from SQLite
    const changeSet = this.parts.store.changeSetOf(number, c.writeSet, state)
    const done = writer.commit(changeSet === undefined ? commit : { ...commit, changeSet })
    // the tip moves now: the state (its writes kept aside until durable), the clock, the recent hashes, the
    // exit hook's state and the pool; the head, the store and the `block` event wait for the writer
    const stored = storedHeaderOf(commit)
    state.applyPending(number, c.writeSet)
    clock.sealed(header.timestamp, c.builtAt, c.follow)
    this.tipHeader = stored
    this.pushRecent(hash)
    for (const t of c.txs) this.unwritten.add(t.hash)
    c.exitApplied?.()
    const pool = settlePool(c, this.parts.mempool)
    const executor = this.parts.executor.stats
    const commitMs = performance.now() - started
    const durable = done.then(
      (d) => {
        this.headHeader = stored
        state.durable(number)
        for (const t of c.txs) this.unwritten.delete(t.hash)
        this.parts.store.committedElsewhere(c.txs.length > 0)
        const sealed = sealedBlockOf(c, stored, {
          log,
          commitMs,
          pool,
          executor,
          writer: { ms: d.ms, depth: writer.depth },
        })
        this.parts.events.emit('block', sealed)
        return sealed
      },
      (err: unknown) => {
        this.backToDurable(number, err)
        throw err
      },
    )
    const writing: Promise<void> = durable.then(
      () => undefined,
      () => undefined,
    )
    this.writing = writing
    void writing.then(() => {
      if (this.writing === writing) this.writing = null
    })
    return { block: number, durable }
  }

  /**
   * Commits a candidate on the block thread's connection: block, receipts, state writes, the exit-root
   * hook's state and `rows` (a certificate) in ONE store transaction; then the state cache, the head, the
   * mempool, and the `block` event. Throws `StaleCandidateError` when it no longer extends the head,
   * `ChainStoreError` while the writer holds a block.
   */
  commitInline(c: BlockCandidate, rows: readonly StoreRowWrite[] = []): SealedBlock {
    if (this.writing)
      throw new ChainStoreError('A block is being committed on the writer; an inline commit must wait.', [
        '- Await chain.idle() first.',
      ])
    const { store, state, clock, mempool, log } = this.parts
    const parent = this.head()
    const { header, hash } = c
    if (header.parentHash.toLowerCase() !== parent.hash.toLowerCase())
      throw new StaleCandidateError(header.number, header.parentHash, parent.hash)
    this.parts.sealing()
    const number = header.number
    const commitMs = persistCandidate(store, c, state, rows)
    clock.sealed(header.timestamp, c.builtAt, c.follow)
    state.apply(c.writeSet)
    const stored = store.getHeaderByNumber(number) as StoredHeader
    this.headHeader = stored
    this.tipHeader = stored
    this.pushRecent(hash)
    const sealed = settleCandidate(c, stored, {
      mempool,
      log,
      commitMs,
      executor: this.parts.executor.stats,
    })
    this.parts.events.emit('block', sealed)
    return sealed
  }

  private pushRecent(hash: Hex): void {
    this.recent.push(hash)
    if (this.recent.length > 256) this.recent.shift()
  }

  /**
   * The writer failed block `number` (rolled back whole): the tip goes back to the durable head, the
   * state cache starts over, the pool reloads its table (which still holds the block's transactions).
   */
  private backToDurable(number: bigint, err: unknown): void {
    this.parts.log.error(
      { err, block: Number(number) },
      'block commit failed on the writer; back to the durable head',
    )
    this.parts.state.clear()
    this.unwritten.clear()
    this.load()
    this.parts.mempool.reset()
  }
}
