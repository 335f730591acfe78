import type { BlockContext, Executor, Logger, StateView, WriteSet } from '@rollup-mesh/core'
import { createSilentLogger, TypedEmitter } from '@rollup-mesh/core'
import { type Address, type Hex, zeroAddress } from 'viem'
import { defaultBaseFeeParams, nextBaseFee } from './basefee.js'
import { type BlockHeader, prevRandaoOf, type StoredHeader } from './block.js'
import type { BlockCandidate } from './blockCandidate.js'
import { BlockCertificates } from './blockCertificates.js'
import { BlockClock, BlockTimestampError } from './blockClock.js'
import {
  type BlockExecutionParts,
  executeCandidate,
  executeProposedBlock,
  wallClockSeconds,
} from './blockExecution.js'
import type { BlockStartHook, ExitRootHook } from './blockHooks.js'
import { type SelectionParts, selectBlockTxs } from './blockTxSelection.js'
import type { CallSimulator } from './callSimulator.js'
import { openChainStore } from './chainGenesis.js'
import { rewindChainStore, takeChainSnapshot } from './chainRewind.js'
import type { ChainComponents, ChainOptions, ChainSnapshot, RewindHook } from './chainTypes.js'
import { CommitPipeline, type SealedBlockStart } from './commitPipeline.js'
import type { GenesisSpec } from './genesis.js'
import { Mempool } from './mempool.js'
import type { ChainEvents, SealedBlock } from './sealedBlock.js'
import { SnapshotRegistry } from './snapshots.js'
import { SQLiteStateView } from './state.js'
import type { ChainStore } from './store.js'
import type { SignedTx } from './tx.js'

export type { ChainComponents, ChainOptions, ChainSnapshot, RewindHook } from './chainTypes.js'
export type { SealedBlockStart } from './commitPipeline.js'

/**
 * One chain: the store, its cached `StateView`, the mempool and the executor,
 * with `produceBlock()` sealing the next block. Shared by the SPN and the
 * main-net node; who calls `produceBlock` (a timer, consensus) is a `BlockProducer`. A node assembles
 * one through `createChainNode`; alone:
 *
 * @example
 * ```ts
 * import { Chain, ChainStore } from '@rollup-mesh/chain'
 * // createSerialExecutor and genesisWriteSet are dual-vm's (the caller imports them; chain never does)
 *
 * const store = new ChainStore({ path: ':memory:' })
 * const chain = new Chain({ chainId: 31337n, blockGasLimit: 30_000_000n }, { store, executor: createSerialExecutor() })
 * await chain.open(genesisWriteSet({ [alice]: { balance: 10n ** 18n } }))
 * await chain.mempool.add(signedRawTx) // stateless + stateful checks; throws TxRejectedError
 * const block = await chain.produceBlock() // executes, commits, emits 'block'
 * console.log(block.header.number, block.txs.length) // 1n 1
 * store.close()
 * ```
 */
export class Chain {
  readonly store: ChainStore
  readonly state: SQLiteStateView
  readonly mempool: Mempool
  /** `block` after each commit; a listener that throws is logged and never stops block production. */
  readonly events: TypedEmitter<ChainEvents>
  readonly chainId: bigint
  readonly blockGasLimit: bigint
  readonly simulateCall: CallSimulator | undefined
  /** Executes the blocks (its `stats` describe the last one). */
  readonly executor: Executor
  /** What timestamp the next block gets (strictly after its parent's; dev methods move it). */
  readonly clock = new BlockClock()
  /** Outstanding snapshots (`evm_snapshot` / `evm_revert` on a dev network). */
  readonly snapshots: SnapshotRegistry
  private readonly log: Logger
  private readonly opts: ChainOptions
  /** The tip and the durable head, the recent hashes, and each block's commit (inline or on the writer). */
  private readonly pipeline: CommitPipeline
  /** A block being built and handed over (`sealBlock`). */
  private producing: Promise<SealedBlockStart> | null = null
  /** The next sealed block is a dev method's (`mineBlock`): the clock follows its timestamp. */
  private mining = false
  private exitRootHook: ExitRootHook | undefined
  private blockStartHook: BlockStartHook | undefined
  private readonly commitment: ChainComponents['commitWriteSet']
  private readonly rewindHooks: RewindHook[] = []
  private extraDataHook: ((number: bigint) => Hex) | undefined
  /** Finality certificates stored with their blocks (`commitCandidate(c, { certificate })`). */
  readonly certificates: BlockCertificates

  constructor(options: ChainOptions, components: ChainComponents) {
    this.opts = options
    this.chainId = options.chainId
    this.blockGasLimit = options.blockGasLimit
    this.store = components.store
    this.executor = components.executor
    this.simulateCall = components.simulateCall
    this.commitment = components.commitWriteSet
    this.snapshots = new SnapshotRegistry(this)
    this.certificates = new BlockCertificates(this.store)
    this.rewindHooks.push({ rewind: (block) => this.certificates.deleteAbove(block) })
    this.log = (components.logger ?? createSilentLogger()).child({ module: 'chain' })
    this.events = new TypedEmitter<ChainEvents>({
      onListenerError: (err, event) => this.log.error({ err, event }, 'chain event listener threw'),
    })
    this.state = new SQLiteStateView(this.store, { maxEntries: options.stateCacheEntries ?? 500_000 })
    this.mempool = new Mempool(
      { ...options.mempool, chainId: options.chainId, blockGasLimit: options.blockGasLimit },
      {
        state: this.state,
        baseFee: () => this.nextBaseFee(),
        store: this.store,
        decoder: components.decoder,
        logger: components.logger,
        // with the commit writer, the pool's flushes queue behind its block commit, on its connection
        ...(components.commitWriter
          ? { persist: components.commitWriter.pool.bind(components.commitWriter) }
          : {}),
      },
    )
    this.pipeline = new CommitPipeline({
      store: this.store,
      state: this.state,
      mempool: this.mempool,
      events: this.events,
      clock: this.clock,
      executor: this.executor,
      log: this.log,
      writer: components.commitWriter,
      sealing: () => {
        this.mining = false
      },
    })
  }

  /**
   * Opens the chain: writes genesis into an empty store (or checks the chain id
   * and genesis state root of an existing one), loads recent hashes and restores
   * the persisted mempool.
   */
  async open(genesis: GenesisSpec): Promise<{ head: StoredHeader; restoredTxs: number }> {
    const head = openChainStore(this.store, {
      chainId: this.chainId,
      blockGasLimit: this.blockGasLimit,
      genesis,
      log: this.log,
    })
    this.pipeline.load()
    const { restored, dropped } = await this.mempool.restore()
    if (restored || dropped) this.log.info({ restored, dropped }, 'mempool restored')
    return { head, restoredTxs: restored }
  }

  /** The newest durable block (what RPC serves as `latest`). */
  head(): StoredHeader {
    return this.pipeline.head()
  }

  /**
   * The newest executed block, the next one's parent: the head, or with the commit writer the block it is
   * making durable (one at most). `chain.state` and the pool are at the tip.
   */
  tip(): StoredHeader {
    return this.pipeline.tip()
  }

  /** Blocks queued or in flight on the commit writer (0 without one). */
  get commitQueueDepth(): number {
    return this.pipeline.depth
  }

  /** The base fee of the next block (built on the tip). */
  nextBaseFee(): bigint {
    const h = this.tip()
    return nextBaseFee(h, this.opts.baseFee ?? defaultBaseFeeParams)
  }

  /** The execution context of a block on top of the head (what `eth_call` runs against). */
  callContext(): BlockContext {
    const h = this.head()
    // with the writer holding a block, `recent` runs ahead of the head by it
    const ahead = Number(this.tip().number - h.number)
    return {
      number: h.number,
      timestamp: h.timestamp,
      coinbase: h.coinbase,
      baseFeePerGas: h.baseFeePerGas,
      gasLimit: h.gasLimit,
      chainId: this.chainId,
      prevRandao: prevRandaoOf(h.parentHash, h.number),
      recentHashes: this.pipeline.recent.slice(0, this.pipeline.recent.length - 1 - ahead),
    }
  }

  /**
   * The context of the block the next transaction would land in (`pending`: what `eth_call` and
   * `eth_estimateGas` with no block, or `pending`, run against).
   */
  pendingContext(nowS: bigint = wallClockSeconds()): BlockContext {
    const h = this.tip()
    const timestamp = this.clock.next({ parentTimestamp: h.timestamp, nowS })
    return this.blockContext(h, {
      number: h.number + 1n,
      timestamp,
      coinbase: this.coinbase(),
      baseFeePerGas: this.nextBaseFee(),
    })
  }

  /**
   * Seals one block from the mempool (waits for one already in progress instead of overlapping it) and
   * resolves once it is committed (durable), after its `block` event.
   */
  produceBlock(now: bigint = wallClockSeconds()): Promise<SealedBlock> {
    return this.sealBlock(now).then((s) => s.durable)
  }

  /**
   * Seals one block from the mempool (or joins the one in progress) and resolves as soon as it is the tip:
   * inline, committed; with the commit writer, executed and handed to the writer, so the next block can be
   * built while this one commits (what the interval producer calls). `durable` resolves with the sealed
   * block once it is committed, after its `block` event, or rejects when its commit failed (the chain is
   * then back at the durable head, its transactions back in the pool).
   *
   * @example
   * ```ts
   * const { block, durable } = await chain.sealBlock() // block N executed; N+1 may be built now
   * const sealed = await durable // N is in the store, the head, and announced
   * ```
   */
  sealBlock(now: bigint = wallClockSeconds()): Promise<SealedBlockStart> {
    if (this.producing) return this.producing
    this.producing = this.buildBlock(now)
      .then((candidate) => this.pipeline.startCommit(candidate))
      .finally(() => {
        this.producing = null
      })
    return this.producing
  }

  /**
   * Seals a new block after any in progress (never the in-flight one, never overlapping it): what the
   * mining dev methods (`evm_mine`, `anvil_mine`) call. `timestamp` fixes this block's timestamp (it must be
   * after the head's: `BlockTimestampError`).
   */
  async mineBlock(options: { timestamp?: bigint } = {}): Promise<SealedBlock> {
    for (;;) {
      await this.idle()
      if (this.producing || this.pipeline.holding) continue
      if (options.timestamp !== undefined)
        this.clock.setNextTimestamp(options.timestamp, this.head().timestamp)
      this.mining = true
      return this.produceBlock()
    }
  }

  private coinbase(): Address {
    return (this.opts.coinbase ?? zeroAddress).toLowerCase() as Address
  }

  /**
   * Sets what fills `exitRoot` in the headers of blocks sealed from now on (an SPN's exit tree). The hook
   * runs after execution; its `commit` runs inside the block's store transaction, so whatever it persists
   * lands with the block or not at all. Without a hook `exitRoot` is the zero hash.
   */
  setExitRootHook(hook: ExitRootHook | undefined): void {
    this.exitRootHook = hook
  }

  /** Sets what fills `extraData` of the blocks built from now on (the main net: its validator-set hashes). */
  setExtraDataHook(hook: ((number: bigint) => Hex) | undefined): void {
    this.extraDataHook = hook
  }

  /**
   * Sets what supplies the transactions placed first in every block sealed from now on (before mempool
   * transactions), e.g. deposits delivering cross-network messages. If the hook throws, the error is
   * logged and the block is sealed without them: block production never stops on a hook.
   */
  setBlockStartHook(hook: BlockStartHook | undefined): void {
    this.blockStartHook = hook
  }

  /**
   * Applies `ws` to the head state outside any block, as anvil's dev methods do (`anvil_setBalance`,
   * `anvil_setCode`, ...): one store transaction that also records the values replaced (reads at older
   * blocks and snapshot reverts stay right), the state cache updated, and the state commitment moved
   * (`commitWriteSet`) so the next block's pre-state root covers the writes and the parallel executor's
   * worker replicas, keyed by that root, start over. The head's header is not changed. Waits for a block
   * being sealed (a function of the state is called after it, so it sees that block). Returns the new state
   * root (undefined without a commitment).
   *
   * @example
   * ```ts
   * await chain.writeState({ accounts: new Map([[alice, { ...acc, balance: 10n ** 18n }]]), storage: new Map(), code: new Map() })
   * chain.state.getAccount(alice)?.balance // 10n ** 18n
   * ```
   */
  async writeState(writes: WriteSet | ((state: StateView) => WriteSet)): Promise<Hex | undefined> {
    await this.idle()
    const ws = typeof writes === 'function' ? writes(this.state) : writes
    const root = this.commitment?.(this.state, ws)
    this.store.commitWrites(ws)
    this.state.apply(ws)
    return root
  }

  /** Registers what a rewind must check and undo beyond the chain store's own tables. */
  addRewindHook(hook: RewindHook): void {
    this.rewindHooks.push(hook)
  }

  /** Where the chain stands now, for a later `rewind` (the persisted pool included). */
  snapshot(): ChainSnapshot {
    const root = this.commitment?.(this.state, { accounts: new Map(), storage: new Map(), code: new Map() })
    return takeChainSnapshot(this.store, this.mempool, this.head(), root)
  }

  /**
   * Brings the chain back to a snapshot: the state (root included), the head block (newer blocks, their
   * transactions, receipts and logs deleted), and the mempool exactly as they were, with every rewind hook's
   * tables, in one store transaction. A hook's `check` may refuse (nothing is changed then). Waits for a
   * block being sealed.
   */
  async rewind(to: ChainSnapshot): Promise<void> {
    await this.idle()
    rewindChainStore({ store: this.store, mempool: this.mempool, hooks: this.rewindHooks }, this.head(), to)
    this.state.clear()
    this.pipeline.load()
    this.mempool.reset()
    this.log.info({ block: Number(to.block) }, 'chain rewound')
  }

  /** Resolves when no block is being sealed, nor held by the commit writer (the tip is the durable head). */
  async idle(): Promise<void> {
    while (this.producing || this.pipeline.holding) {
      if (this.producing) await this.producing.catch(() => undefined)
      else await this.pipeline.drained()
    }
  }

  /**
   * Builds the next block on top of the head (block-start hook transactions first, then the mempool's),
   * executed but not committed: the store, the state and the mempool are untouched until
   * `commitCandidate`. What a proposer offers consensus.
   *
   * @example
   * ```ts
   * const candidate = await chain.buildBlock()
   * const block = chain.commitCandidate(candidate, { certificate }) // stores both, emits 'block'
   * ```
   */
  async buildBlock(now: bigint = wallClockSeconds()): Promise<BlockCandidate> {
    const parent = this.tip()
    const baseFee = this.nextBaseFee()
    const number = parent.number + 1n
    this.pipeline.executing(number)
    const timestamp = this.clock.next({ parentTimestamp: parent.timestamp, nowS: now })
    const follow = this.mining || this.clock.pinned
    // The clock never gives less; a dev method's fixed timestamp is checked when it is set.
    if (timestamp <= parent.timestamp) throw new BlockTimestampError(timestamp, parent.timestamp)
    const selecting = performance.now()
    const { txs, firstHashes } = await selectBlockTxs(this.executionParts(), { number, timestamp, baseFee })
    const selectMs = performance.now() - selecting
    const ctx = this.blockContext(parent, {
      number,
      timestamp,
      coinbase: this.coinbase(),
      baseFeePerGas: baseFee,
    })
    return executeCandidate(this.executionParts(), parent, ctx, txs, { firstHashes, now, follow, selectMs })
  }

  /**
   * Re-executes a proposed block's transactions, exactly those, in its context (timestamp, coinbase) on top
   * of the head, and checks every header field against the result: `InvalidBlockError` names the first that
   * differs (or `transactions` when one would be skipped). Nothing is committed; the candidate is what
   * `commitCandidate` stores once the block is final.
   *
   * @example
   * ```ts
   * const candidate = await chain.executeBlock({ header: proposed.header, txs: proposed.txs })
   * ```
   */
  async executeBlock(proposed: { header: BlockHeader; txs: readonly SignedTx[] }): Promise<BlockCandidate> {
    const parent = this.tip()
    return executeProposedBlock(this.executionParts(), parent, this.nextBaseFee(), proposed, (at) =>
      this.blockContext(parent, at),
    )
  }

  /**
   * Commits a candidate from `buildBlock`/`executeBlock`: block, receipts, state writes, the exit-root
   * hook's state and (when given) its finality certificate in ONE store transaction; then the state cache,
   * the head, the mempool, and the `block` event. Throws `StaleCandidateError` when it no longer extends
   * the head. Always inline (consensus needs the block committed when it moves on); refused while the commit
   * writer holds a block (`ChainStoreError`: `await chain.idle()` first).
   */
  commitCandidate(c: BlockCandidate, options: { certificate?: Uint8Array } = {}): SealedBlock {
    const rows = options.certificate
      ? [this.certificates.row(c.header.number, c.hash, options.certificate)]
      : []
    return this.pipeline.commitInline(c, rows)
  }

  private executionParts(): BlockExecutionParts & SelectionParts {
    return {
      hook: this.blockStartHook,
      store: this.store,
      log: this.log,
      mempool: this.mempool,
      maxTxs: this.opts.maxTxsPerBlock ?? 5_000,
      executor: this.executor,
      state: this.state,
      blockGasLimit: this.blockGasLimit,
      exitRootHook: this.exitRootHook,
      unwritten: (hash) => this.pipeline.isUnwritten(hash),
      extraData: (n) => this.extraDataHook?.(n) ?? this.opts.extraData ?? '0x',
    }
  }

  /** The context of block `at.number` on top of `parent`. */
  private blockContext(
    parent: StoredHeader,
    at: Pick<BlockContext, 'number' | 'timestamp' | 'coinbase' | 'baseFeePerGas'>,
  ): BlockContext {
    const { number } = at
    return {
      ...at,
      gasLimit: this.blockGasLimit,
      chainId: this.chainId,
      prevRandao: prevRandaoOf(parent.hash, number),
      recentHashes: this.pipeline.recent,
    }
  }
}
