import type { BlockContext, Executor, Logger, StateView, WriteSet } from '@rollup-mesh/core'
import { createSilentLogger, TypedEmitter } from '@rollup-mesh/core'
import { type Address, type Hex, zeroAddress, zeroHash } from 'viem'
import { type BaseFeeParams, defaultBaseFeeParams, nextBaseFee } from './basefee.js'
import {
  type BlockHeader,
  hashHeader,
  prevRandaoOf,
  receiptsRootOf,
  type StoredHeader,
  transactionsRootOf,
} from './block.js'
import { BlockClock, BlockTimestampError } from './blockClock.js'
import type { BlockStartHook, ExitRootHook } from './blockHooks.js'
import type { CallSimulator } from './callSimulator.js'
import type { TxDecoder } from './decoder.js'
import { ChainStoreError } from './errors.js'
import { type GenesisSpec, genesisHeader } from './genesis.js'
import { Mempool, type MempoolOptions } from './mempool.js'
import type { ChainEvents, SealedBlock } from './sealedBlock.js'
import { SnapshotRegistry } from './snapshots.js'
import { SQLiteStateView } from './state.js'
import type { ChainStore, StoredPoolTx } from './store.js'
import { ChainRewindError } from './storeErrors.js'
import type { SignedTx } from './tx.js'

export type ChainOptions = {
  chainId: bigint
  blockGasLimit: bigint
  coinbase?: Address
  extraData?: Hex
  /** At most this many transactions per block. Default 5,000. */
  maxTxsPerBlock?: number
  baseFee?: BaseFeeParams
  mempool?: Omit<MempoolOptions, 'chainId' | 'blockGasLimit'>
  /** Cached state entries. Default 500,000. */
  stateCacheEntries?: number
}

export type ChainComponents = {
  store: ChainStore
  executor: Executor
  simulateCall?: CallSimulator
  /** Sender recovery for `eth_sendRawTransaction` (a worker pool); default inline. */
  decoder?: TxDecoder
  logger?: Logger
  /**
   * The state commitment of a write set over a base state (dual-vm's `commitWriteSet`: adds the new
   * accumulator to the write set, returns the new root). Used for writes outside blocks (`writeState`) so the
   * next block's pre-state root covers them; without it those writes leave the root as it was.
   */
  commitWriteSet?: (base: StateView, ws: WriteSet) => Hex
}

/** Where a snapshot of the chain stands: what `Chain.rewind` brings back. */
export type ChainSnapshot = {
  /** The head block when it was taken. */
  block: bigint
  /** The store's state version then (writes outside blocks after the head count). */
  version: number
  /** The persisted mempool then. */
  pool: StoredPoolTx[]
  /** The next block's state root then (the accumulator's root), for checks. */
  stateRoot: Hex | undefined
}

/**
 * What another part of the node (a store extension's owner) does on a rewind: `check` throws a coded
 * error when it cannot go back to `block` (e.g. the block was already settled); `rewind` runs inside the
 * rewind's store transaction and removes what it wrote for the blocks above `block`.
 */
export type RewindHook = {
  check?: (block: bigint) => void
  rewind: (block: bigint) => void
}

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
  private headHeader: StoredHeader | undefined
  private readonly recent: Hex[] = []
  private producing: Promise<SealedBlock> | null = null
  /** The next sealed block is a dev method's (`mineBlock`): the clock follows its timestamp. */
  private mining = false
  private exitRootHook: ExitRootHook | undefined
  private blockStartHook: BlockStartHook | undefined
  private readonly commitment: ChainComponents['commitWriteSet']
  private readonly rewindHooks: RewindHook[] = []

  constructor(options: ChainOptions, components: ChainComponents) {
    this.opts = options
    this.chainId = options.chainId
    this.blockGasLimit = options.blockGasLimit
    this.store = components.store
    this.executor = components.executor
    this.simulateCall = components.simulateCall
    this.commitment = components.commitWriteSet
    this.snapshots = new SnapshotRegistry(this)
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
      },
    )
  }

  /**
   * Opens the chain: writes genesis into an empty store (or checks the chain id
   * and genesis state root of an existing one), loads recent hashes and restores
   * the persisted mempool.
   */
  async open(genesis: GenesisSpec): Promise<{ head: StoredHeader; restoredTxs: number }> {
    const storedChainId = this.store.getMeta('chainId')
    if (storedChainId !== undefined && storedChainId !== this.chainId.toString())
      throw new ChainStoreError(`Data dir holds chain id ${storedChainId}, not ${this.chainId}.`, [
        '- Use the data dir of this chain, or a fresh one.',
      ])
    let head = this.store.head()
    const storedGenesis = head ? this.store.getHeaderByNumber(0n) : undefined
    if (storedGenesis && storedGenesis.stateRoot !== genesis.stateRoot)
      throw new ChainStoreError(
        `Data dir holds a chain whose genesis state root is ${storedGenesis.stateRoot}, not ${genesis.stateRoot}.`,
        [
          '- The genesis allocation changed, or the data dir was written by a build with another state-root format.',
          '- Use the data dir of this chain, or a fresh one (`mesh up --fresh`).',
        ],
      )
    if (!head) {
      const header = genesisHeader(genesis, this.blockGasLimit)
      const hash = hashHeader(header)
      this.store.transaction(() => {
        this.store.commitBlock({
          header,
          hash,
          txs: [],
          receipts: [],
          writeSet: genesis.writeSet,
          mempoolRemovals: [],
        })
        this.store.setMeta('chainId', this.chainId.toString())
        this.store.setMeta('genesisHash', hash)
      })
      head = this.store.head() as StoredHeader
      this.log.info({ hash, stateRoot: genesis.stateRoot }, 'genesis written')
    }
    this.headHeader = head
    const from = head.number > 255n ? head.number - 255n : 0n
    this.recent.push(...this.store.getHashes(from, head.number))
    const { restored, dropped } = await this.mempool.restore()
    if (restored || dropped) this.log.info({ restored, dropped }, 'mempool restored')
    return { head, restoredTxs: restored }
  }

  head(): StoredHeader {
    if (!this.headHeader)
      throw new ChainStoreError('Chain is not open.', ['- Call chain.open(genesis) first.'])
    return this.headHeader
  }

  /** The base fee of the next block. */
  nextBaseFee(): bigint {
    const h = this.head()
    return nextBaseFee(h, this.opts.baseFee ?? defaultBaseFeeParams)
  }

  /** The execution context of a block on top of the head (what `eth_call` runs against). */
  callContext(): BlockContext {
    const h = this.head()
    return {
      number: h.number,
      timestamp: h.timestamp,
      coinbase: h.coinbase,
      baseFeePerGas: h.baseFeePerGas,
      gasLimit: h.gasLimit,
      chainId: this.chainId,
      prevRandao: prevRandaoOf(h.parentHash, h.number),
      recentHashes: this.recent.slice(0, -1),
    }
  }

  /**
   * The context of the block the next transaction would land in (`pending`: what `eth_call` and
   * `eth_estimateGas` with no block, or `pending`, run against).
   */
  pendingContext(nowS: bigint = wallClockSeconds()): BlockContext {
    const h = this.head()
    const number = h.number + 1n
    return {
      number,
      timestamp: this.clock.next({ parentTimestamp: h.timestamp, nowS }),
      coinbase: this.coinbase(),
      baseFeePerGas: this.nextBaseFee(),
      gasLimit: this.blockGasLimit,
      chainId: this.chainId,
      prevRandao: prevRandaoOf(h.hash, number),
      recentHashes: this.recent,
    }
  }

  /** Seals one block from the mempool (waits for one already in progress instead of overlapping it). */
  produceBlock(now: bigint = wallClockSeconds()): Promise<SealedBlock> {
    if (this.producing) return this.producing
    this.producing = this.seal(now).finally(() => {
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
      if (this.producing) continue
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

  /**
   * Sets what supplies the transactions placed first in every block sealed from now on (before mempool
   * transactions), e.g. deposits delivering cross-network messages. If the hook throws, the error is
   * logged and the block is sealed without them: block production never stops on a hook.
   */
  setBlockStartHook(hook: BlockStartHook | undefined): void {
    this.blockStartHook = hook
  }

  /** The block-start hook's transactions for block `number`, without duplicates or ones already on chain. */
  private async blockStartTxs(number: bigint, timestamp: bigint): Promise<SignedTx[]> {
    const hook = this.blockStartHook
    if (!hook) return []
    let supplied: readonly SignedTx[]
    try {
      supplied = await hook({ number, timestamp })
    } catch (err) {
      this.log.error({ block: Number(number), err }, 'block start hook failed; sealing without its txs')
      return []
    }
    const out: SignedTx[] = []
    const seen = new Set<Hex>()
    for (const tx of supplied) {
      if (seen.has(tx.hash)) continue
      seen.add(tx.hash)
      if (this.store.getTx(tx.hash)) {
        this.log.warn({ block: Number(number), tx: tx.hash }, 'block start tx already on chain; dropped')
        continue
      }
      out.push(tx)
    }
    return out
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
    this.mempool.flushNow()
    const head = this.head()
    return {
      block: head.number,
      version: this.store.stateVersion(),
      pool: this.store.poolAll(),
      stateRoot: this.commitmentRoot(),
    }
  }

  /**
   * Brings the chain back to a snapshot: the state (root included), the head block (newer blocks, their
   * transactions, receipts and logs deleted), and the mempool exactly as they were, with every rewind hook's
   * tables, in one store transaction. A hook's `check` may refuse (nothing is changed then). Waits for a
   * block being sealed.
   */
  async rewind(to: ChainSnapshot): Promise<void> {
    await this.idle()
    const head = this.head()
    if (to.block > head.number)
      throw new ChainRewindError(`Cannot rewind to block ${to.block}: the head is block ${head.number}.`)
    for (const hook of this.rewindHooks) hook.check?.(to.block)
    this.mempool.flushNow()
    this.store.transaction(() => {
      this.store.rewind(to.block, to.version, to.pool)
      for (const hook of this.rewindHooks) hook.rewind(to.block)
    })
    this.state.clear()
    const stored = this.store.head() as StoredHeader
    this.headHeader = stored
    const from = stored.number > 255n ? stored.number - 255n : 0n
    this.recent.length = 0
    this.recent.push(...this.store.getHashes(from, stored.number))
    this.mempool.reset()
    this.log.info({ block: Number(to.block) }, 'chain rewound')
  }

  /** The root of the state as it is now (the commitment's), when the VM keeps one in state. */
  private commitmentRoot(): Hex | undefined {
    if (!this.commitment) return undefined
    const empty: WriteSet = { accounts: new Map(), storage: new Map(), code: new Map() }
    return this.commitment(this.state, empty)
  }

  /** Resolves when no block is being sealed. */
  async idle(): Promise<void> {
    while (this.producing) await this.producing.catch(() => undefined)
  }

  private async seal(now: bigint): Promise<SealedBlock> {
    const parent = this.head()
    const baseFee = this.nextBaseFee()
    const number = parent.number + 1n
    const timestamp = this.clock.next({ parentTimestamp: parent.timestamp, nowS: now })
    const follow = this.mining || this.clock.pinned
    this.mining = false
    // The clock never gives less; a dev method's fixed timestamp is checked when it is set.
    if (timestamp <= parent.timestamp) throw new BlockTimestampError(timestamp, parent.timestamp)
    const coinbase = this.coinbase()
    const first = await this.blockStartTxs(number, timestamp)
    const firstHashes = new Set(first.map((t) => t.hash))
    let firstGas = 0n
    for (const t of first) firstGas += t.gas
    const maxTxs = this.opts.maxTxsPerBlock ?? 5_000
    const fromPool =
      firstGas >= this.blockGasLimit || first.length >= maxTxs
        ? []
        : this.mempool
            .select(baseFee, this.blockGasLimit - firstGas, maxTxs - first.length)
            .filter((t) => !firstHashes.has(t.hash))
    const candidates = first.length ? [...first, ...fromPool] : fromPool
    const ctx: BlockContext = {
      number,
      timestamp,
      coinbase,
      baseFeePerGas: baseFee,
      gasLimit: this.blockGasLimit,
      chainId: this.chainId,
      prevRandao: prevRandaoOf(parent.hash, number),
      recentHashes: this.recent,
    }
    const started = performance.now()
    const result = await this.executor.executeBlock({ header: ctx, txs: candidates }, this.state)
    const executedMs = performance.now() - started
    const byHash = new Map(candidates.map((t) => [t.hash, t]))
    const txs = result.included.map((t, i) => {
      const tx = byHash.get(t.hash) as SignedTx
      // A deposit's nonce is the one it used (the hook cannot know it in advance).
      const used = result.receipts[i]?.depositNonce
      return used !== undefined && tx.type === 'deposit' ? { ...tx, nonce: used } : tx
    })
    const poolTxs = first.length ? txs.filter((t) => !firstHashes.has(t.hash)) : txs
    const exit = this.exitRootHook?.({ number, receipts: result.receipts })
    const header: BlockHeader = {
      parentHash: parent.hash,
      number,
      timestamp,
      coinbase,
      stateRoot: result.stateRoot,
      transactionsRoot: transactionsRootOf(txs.map((t) => t.hash)),
      receiptsRoot: receiptsRootOf(result.receipts),
      logsBloom: result.logsBloom,
      gasUsed: result.gasUsed,
      gasLimit: this.blockGasLimit,
      baseFeePerGas: baseFee,
      exitRoot: exit?.exitRoot ?? zeroHash,
      extraData: this.opts.extraData ?? '0x',
    }
    const hash = hashHeader(header)
    const commit = () =>
      this.store.commitBlock({
        header,
        hash,
        txs,
        receipts: result.receipts,
        writeSet: result.writeSet,
        mempoolRemovals: first.length ? poolTxs.map((t) => t.hash) : txs.map((t) => t.hash),
        prior: this.state,
      })
    const committing = performance.now()
    if (exit?.commit) {
      const persist = exit.commit
      this.store.transaction(() => {
        commit()
        persist()
      })
    } else commit()
    const committedMs = performance.now() - committing
    this.clock.sealed(timestamp, now, follow)
    this.state.apply(result.writeSet)
    const stored = this.store.getHeaderByNumber(number) as StoredHeader
    this.headHeader = stored
    this.recent.push(hash)
    if (this.recent.length > 256) this.recent.shift()
    const skippedFirst = first.length ? result.skipped.filter((s) => firstHashes.has(s.hash)) : []
    const dropped = this.mempool.onBlock(
      poolTxs.map((t) => t.hash),
      (skippedFirst.length ? result.skipped.filter((s) => !firstHashes.has(s.hash)) : result.skipped).map(
        (s) => s.hash,
      ),
    )
    const sealed: SealedBlock = {
      header: stored,
      txs,
      receipts: result.receipts,
      skipped: result.skipped.length,
    }
    if (skippedFirst.length) {
      sealed.skippedDeposits = skippedFirst
      for (const s of skippedFirst)
        this.log.warn({ block: Number(number), tx: s.hash, reason: s.reason }, 'block start tx skipped')
    }
    if (txs.length || result.skipped.length)
      this.log.debug(
        {
          block: Number(number),
          txs: txs.length,
          skipped: result.skipped.length,
          dropped: dropped.length,
          gasUsed: Number(result.gasUsed),
          execMs: Math.round(executedMs),
          commitMs: Math.round(committedMs),
          totalMs: Math.round(performance.now() - started),
          ...(this.executor.stats ? { executor: this.executor.stats } : {}),
        },
        'block sealed',
      )
    this.events.emit('block', sealed)
    return sealed
  }
}

/** The wall clock in whole seconds (block timestamps' unit). */
function wallClockSeconds(): bigint {
  return BigInt(Math.floor(Date.now() / 1000))
}
