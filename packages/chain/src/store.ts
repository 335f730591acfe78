import { type AccountState, type Receipt, type WriteSet, ZERO_WORD } from '@rollup-mesh/core'
import Database from 'better-sqlite3'
import { type Address, type Hex, numberToHex } from 'viem'
import type { BlockHeader, StoredHeader } from './block.js'
import { encodeHeader } from './block.js'
import { Checkpointer } from './checkpointer.js'
import { headerToJSON, receiptFromJSON } from './codec.js'
import { ChainStoreError } from './errors.js'
import { HistoryIndexer, type HistoryIndexing } from './historyIndexer.js'
import { blockVersion, HISTORY_VERSION_STRIDE, type PriorState, StateHistory } from './stateHistory.js'
import { StateReads } from './stateReads.js'
import { HistoryWindowError } from './storeErrors.js'
import {
  applyStoreExtension,
  type StoreExtension,
  type StoreExtensionHandle,
  storedExtensionVersion,
} from './storeExtension.js'
import { checkChainDb } from './storeIntegrity.js'
import {
  type AccountRow,
  type BlockRow,
  type LogRow,
  normSlot,
  rowToHeader,
  rowToTx,
  storedReceipt,
  type TxRow,
} from './storeRows.js'
import { HISTORY_START_KEY, migrateChainSchema } from './storeSchema.js'
import { type ChainStatements, prepareChainStatements } from './storeStatements.js'

/** A transaction as stored with its block position. */
export type StoredTx = {
  hash: Hex
  raw: Hex
  from: Address
  to: Address | null
  blockNumber: bigint
  blockHash: Hex
  index: number
  /** Deposits (0x7e): the nonce of `from` the deposit used (kept in its receipt). */
  depositNonce?: bigint
}

/** A log with its position, as `eth_getLogs` returns it. */
export type StoredLog = {
  address: Address
  topics: Hex[]
  data: Hex
  blockNumber: bigint
  blockHash: Hex
  transactionHash: Hex
  transactionIndex: number
  logIndex: number
}

export type LogQuery = {
  fromBlock: bigint
  toBlock: bigint
  /** Any of these addresses (lower-case); empty = any. */
  addresses: readonly Address[]
  /** Per position: null = any, else any of the listed topics. */
  topics: readonly (readonly Hex[] | null)[]
  /** Stop after this many logs. */
  limit: number
}

/** What one block commit writes, atomically. */
export type BlockCommit = {
  header: BlockHeader
  hash: Hex
  txs: readonly { hash: Hex; raw: Hex; from: Address; to: Address | null }[]
  receipts: readonly Receipt[]
  writeSet: WriteSet
  /** Mempool entries to delete in the same transaction (included or dropped). */
  mempoolRemovals: readonly Hex[]
  /**
   * The pre-block values the caller already holds (the chain's state cache, whose entries equal the
   * store's state): the change set reads only what it lacks from SQLite.
   */
  prior?: PriorState
}

/** A persisted mempool entry. */
export type StoredPoolTx = { hash: Hex; raw: Hex; from: Address; seq: number }

export type ChainStoreOptions = {
  /** Path of the SQLite file, or `:memory:`. */
  path: string
  /**
   * Checkpoint the WAL on a background thread every this many ms instead of inside block commits (a
   * commit that also checkpointed cost ~40% more on the main thread: 2,500-transaction blocks 220–320 ms →
   * 125–175 ms). SQLite's own auto-checkpoint stays on at a high mark as the backstop. Default: off.
   */
  checkpointIntervalMs?: number
  /**
   * How much state history to keep: `'all'` (default: every block, as a dev chain wants), the newest
   * `blocks` blocks (older change sets are pruned in small batches after each commit), or 0: none (only the
   * head's state is served; snapshots cannot be reverted).
   */
  history?: HistoryRetention
  /**
   * How the per-key history index (and retention pruning) is kept up behind the head: `'idle'` (default)
   * in small batches once commits pause for a moment, `'manual'` only through `catchUpHistory()`. Reads are
   * right either way (they scan the change sets not indexed yet).
   */
  historyIndexing?: HistoryIndexing
}

/** How many blocks of state history a store keeps. */
export type HistoryRetention = { blocks: number | 'all' }

/** Meta key: the version of the last write outside blocks (dev methods). */
const DEV_VERSION_KEY = 'history.devVersion'
/** Change sets pruned per batch of the history's background work. */
const PRUNE_BATCH_SETS = 8
/** Keys indexed per batch of the history's background work (a few ms; at least one change set). */
const INDEX_BATCH_ENTRIES = 4_000
/** Unindexed change sets past which the index is built even while blocks with transactions keep coming. */
const MAX_INDEX_LAG = 256

/** WAL pages after which a commit checkpoints itself while a background checkpointer runs (about 256 MiB). */
const BACKSTOP_CHECKPOINT_PAGES = 65_536

/**
 * The SQLite chain store (better-sqlite3, WAL): headers, transactions,
 * receipts, logs, account/storage/code state and the persisted mempool.
 * Every block is one SQLite transaction, so a crash never leaves half a block.
 * The connection stays private: other packages keep their tables here through `registerExtension`.
 *
 * @example
 * ```ts
 * const store = new ChainStore({ path: ':memory:' })
 * store.head() // undefined: no genesis yet (`Chain.open` commits it)
 * store.setMeta('chainId', '901')
 * store.transaction(() => store.poolPut([{ hash, raw, from, seq: 0 }]))
 * store.readStorage(address, '0x0') // ZERO_WORD: nothing committed
 * store.close()
 * ```
 */
export class ChainStore {
  /** The connection: private to the store; other packages reach their tables through `registerExtension`. */
  readonly #db: Database.Database
  private readonly st: ChainStatements
  private readonly reads: StateReads
  private readonly checkpointer: Checkpointer | undefined
  private readonly history: StateHistory
  private readonly indexer: HistoryIndexer | undefined
  private readonly retention: number | 'all'
  private devVersion: number
  /** History at or above this version is never pruned (an outstanding snapshot needs it). */
  private historyPin: number | undefined
  /** Whether the node has work waiting (e.g. a non-empty pool): the index then waits, up to the lag bound. */
  private historyBusy: (() => boolean) | undefined

  constructor(options: ChainStoreOptions) {
    checkChainDb(options.path)
    const db = new Database(options.path)
    this.#db = db
    db.pragma('journal_mode = WAL')
    // NORMAL survives process crashes (kill -9); only an OS crash can lose the last commits.
    db.pragma('synchronous = NORMAL')
    db.pragma('cache_size = -65536')
    migrateChainSchema(db)
    this.st = prepareChainStatements(db)
    this.reads = new StateReads(db)
    this.history = new StateHistory(db, this.reads, () => this.catchUpHistory())
    const retention = options.history?.blocks ?? 'all'
    if (retention !== 'all' && (!Number.isSafeInteger(retention) || retention < 0))
      throw new ChainStoreError(`history.blocks must be a whole number of blocks or 'all', got ${retention}.`)
    this.retention = retention
    this.devVersion = Number(this.st.getMeta.get(DEV_VERSION_KEY) ?? 0)
    if ((options.historyIndexing ?? 'idle') === 'idle') {
      this.indexer = new HistoryIndexer({ work: () => this.historyBatch() })
      if (this.history.backlog() > 0) this.indexer.committed()
    }
    const interval = options.checkpointIntervalMs
    if (interval && options.path !== ':memory:') {
      db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`)
      this.checkpointer = new Checkpointer(options.path, interval)
    }
  }

  close(): void {
    this.indexer?.stop()
    this.checkpointer?.stop()
    if (this.#db.open) this.#db.close()
  }

  /**
   * Registers another package's tables in this database: creates or upgrades them to the code's version
   * (in one transaction, as the store upgrades its own schema), and returns the handle its statements are
   * prepared through. Throws `StoreExtensionTooNewError` (`STORE_EXTENSION_TOO_NEW`) when the data dir's
   * tables are newer than the code. Registering the same extension again is harmless.
   *
   * @example
   * ```ts
   * const notes = store.registerExtension({
   *   name: 'notes',
   *   migrations: [(db) => db.exec('CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT)')],
   * })
   * const add = notes.prepare('INSERT INTO notes (text) VALUES (?)')
   * notes.transaction(() => add.run('hello'))
   * notes.prepare('SELECT text FROM notes').pluck().all() // ['hello']
   * ```
   */
  registerExtension(extension: StoreExtension): StoreExtensionHandle {
    return applyStoreExtension(this.#db, extension)
  }

  /** The version an extension's tables are at in this database (0 when it was never registered). */
  extensionVersion(name: string): number {
    return storedExtensionVersion(this.#db, name)
  }

  /**
   * Runs `fn` in one SQLite transaction (nested calls become savepoints): everything it writes through
   * this store, or through a store extension, lands together or not at all.
   */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)()
  }

  getMeta(key: string): string | undefined {
    return this.st.getMeta.get(key) as string | undefined
  }

  setMeta(key: string, value: string): void {
    this.st.setMeta.run(key, value)
  }

  // ---- blocks ----

  /** The newest committed header, or undefined before genesis. */
  head(): StoredHeader | undefined {
    const row = this.st.head.get() as BlockRow | undefined
    return row ? rowToHeader(row) : undefined
  }

  getHeaderByNumber(n: bigint): StoredHeader | undefined {
    const row = this.st.blockByNumber.get(Number(n)) as BlockRow | undefined
    return row ? rowToHeader(row) : undefined
  }

  getHeaderByHash(hash: Hex): StoredHeader | undefined {
    const row = this.st.blockByHash.get(hash.toLowerCase()) as BlockRow | undefined
    return row ? rowToHeader(row) : undefined
  }

  /** Hashes of blocks `from..to` (inclusive), oldest first. */
  getHashes(from: bigint, to: bigint): Hex[] {
    return this.st.hashesInRange.all(Number(from), Number(to)) as Hex[]
  }

  getBlockTxs(n: bigint): StoredTx[] {
    return (this.st.txsOfBlock.all(Number(n)) as TxRow[]).map(rowToTx)
  }

  getTx(hash: Hex): StoredTx | undefined {
    const row = this.st.txByHash.get(hash.toLowerCase()) as TxRow | undefined
    return row ? rowToTx(row) : undefined
  }

  /** A transaction's receipt, with the block-wide index of its first log. */
  getReceipt(hash: Hex): { tx: StoredTx; receipt: Receipt; firstLogIndex: number } | undefined {
    const row = this.st.txByHash.get(hash.toLowerCase()) as TxRow | undefined
    if (!row) return undefined
    const tx = rowToTx(row)
    const receipt = receiptFromJSON(row.receipt, tx)
    if (tx.depositNonce !== undefined) receipt.depositNonce = tx.depositNonce
    const firstLogIndex = row.first_log ?? this.firstLogIndex(tx.blockNumber, tx.index)
    return { tx, receipt, firstLogIndex }
  }

  /** The block-wide index of the first log of transaction `txIndex` of block `n` (counted: O(logs of the block)). */
  firstLogIndex(n: bigint, txIndex: number): number {
    return this.st.logsBefore.get(Number(n), txIndex) as number
  }

  getLogs(q: LogQuery): StoredLog[] {
    const where = ['block_number >= ?', 'block_number <= ?']
    const args: (string | number)[] = [Number(q.fromBlock), Number(q.toBlock)]
    if (q.addresses.length > 0) {
      where.push(`address IN (${q.addresses.map(() => '?').join(',')})`)
      args.push(...q.addresses.map((a) => a.toLowerCase()))
    }
    q.topics.slice(0, 4).forEach((alts, i) => {
      if (!alts || alts.length === 0) return
      where.push(`topic${i} IN (${alts.map(() => '?').join(',')})`)
      args.push(...alts.map((t) => t.toLowerCase()))
    })
    args.push(q.limit)
    const rows = this.#db
      .prepare(
        `SELECT l.*, b.hash AS block_hash FROM logs l JOIN blocks b ON b.number = l.block_number
         WHERE ${where.map((w) => `l.${w}`).join(' AND ')} ORDER BY l.block_number, l.log_index LIMIT ?`,
      )
      .all(...args) as LogRow[]
    return rows.map((r) => ({
      address: r.address as Address,
      topics: [r.topic0, r.topic1, r.topic2, r.topic3].filter((t): t is string => t !== null) as Hex[],
      data: r.data as Hex,
      blockNumber: BigInt(r.block_number),
      blockHash: r.block_hash as Hex,
      transactionHash: r.tx_hash as Hex,
      transactionIndex: r.tx_index,
      logIndex: r.log_index,
    }))
  }

  /** Writes a block, its transactions, receipts, logs and state changes, and mempool removals in one transaction. */
  commitBlock(c: BlockCommit): void {
    this.commitTx(c)
  }

  private readonly commitTx = (c: BlockCommit): void => {
    this.#db.transaction(() => {
      const n = Number(c.header.number)
      const encoded = encodeHeader(c.header)
      let size = (encoded.length - 2) / 2
      for (const t of c.txs) size += (t.raw.length - 2) / 2
      this.st.insertBlock.run(n, c.hash.toLowerCase(), headerToJSON(c.header), c.txs.length, size)
      let logIndex = 0
      c.txs.forEach((t, i) => {
        const r = c.receipts[i]
        if (!r) throw new ChainStoreError(`Block ${n} has no receipt for transaction ${i}.`)
        this.st.insertTx.run(t.hash, n, i, t.raw, t.from, t.to, storedReceipt(r), logIndex)
        for (const log of r.logs) {
          const tp = log.topics
          this.st.insertLog.run(
            n,
            logIndex++,
            i,
            t.hash,
            log.address.toLowerCase(),
            tp[0] ?? null,
            tp[1] ?? null,
            tp[2] ?? null,
            tp[3] ?? null,
            log.data,
          )
        }
      })
      if (n > 0 && this.retention !== 0) this.history.record(blockVersion(n), c.writeSet, c.prior)
      this.applyWriteSet(c.writeSet)
      for (const h of c.mempoolRemovals) this.st.poolDelete.run(h)
    })()
    if (this.indexer) {
      const busy = c.txs.length > 0
      this.indexer.committed(busy && this.history.backlog() < MAX_INDEX_LAG)
    }
  }

  // ---- state history ----

  /**
   * The oldest block whose state can be read (`accountAt`, `storageAt`): where history starts (0, or the
   * head when an older data dir was upgraded), or the retention window's first block.
   */
  oldestStateBlock(): bigint {
    const start = BigInt(this.getMeta(HISTORY_START_KEY) ?? '0')
    const head = this.head()?.number ?? 0n
    if (this.retention === 'all') return start
    if (this.retention === 0) return head
    const windowStart = head - BigInt(this.retention) + 1n
    return windowStart > start ? windowStart : start
  }

  /** Throws `HistoryWindowError` (naming the oldest block kept) when block `n`'s state is not kept. */
  checkStateAvailable(n: bigint): void {
    const oldest = this.oldestStateBlock()
    if (n < oldest) throw new HistoryWindowError(n, oldest)
  }

  /** An account as it was after block `n` was sealed (uncached; check the window first). */
  accountAt(address: Address, n: bigint): AccountState | undefined {
    const past = this.history.accountAt(address, blockVersion(n))
    if (past === undefined) return this.reads.readAccount(address)
    return past ?? undefined
  }

  /** A storage slot as it was after block `n` was sealed (uncached; check the window first). */
  storageAt(address: Address, slot: Hex, n: bigint): Hex {
    const past = this.history.storageAt(address, slot, blockVersion(n))
    if (past === undefined) return this.reads.readStorage(address, slot)
    return past === null ? ZERO_WORD : past
  }

  /** The version of the newest change of the state (a snapshot's position in the history). */
  stateVersion(): number {
    const head = blockVersion(this.head()?.number ?? 0n)
    return Math.max(this.devVersion, head)
  }

  /**
   * Applies a write set to the head state outside any block (dev methods: `anvil_setBalance`, ...), recording
   * the values it replaces so reads at older blocks, and rewinds, stay right. One transaction.
   */
  commitWrites(ws: WriteSet): void {
    const version = this.stateVersion() + 1
    const head = this.head()?.number ?? 0n
    if (version >= blockVersion(head + 1n))
      throw new ChainStoreError(
        `Too many state writes outside blocks at block ${head} (at most ${HISTORY_VERSION_STRIDE - 1}).`,
        ['- Mine a block (evm_mine) and write again.'],
      )
    this.#db.transaction(() => {
      if (this.retention !== 0) this.history.record(version, ws)
      this.applyWriteSet(ws)
      this.st.setMeta.run(DEV_VERSION_KEY, String(version))
    })()
    this.devVersion = version
    this.indexer?.committed()
  }

  /**
   * Rewinds the chain to block `block` with the state at `version` (a snapshot's): restores every account and
   * slot changed since, deletes the newer blocks, transactions, receipts, logs and history, and replaces the
   * persisted mempool with `pool`. Runs in one transaction (a savepoint when the caller's transaction holds
   * extensions' rewinds too).
   */
  rewind(block: bigint, version: number, pool: readonly StoredPoolTx[]): void {
    if (version < blockVersion(block) || version >= blockVersion(block + 1n))
      throw new ChainStoreError(`State version ${version} does not belong to block ${block}.`)
    if (this.retention === 0)
      throw new ChainStoreError('Cannot rewind: this store keeps no state history (history.blocks = 0).')
    this.checkStateAvailable(block)
    this.#db.transaction(() => {
      const changes = this.history.changesSince(version)
      for (const [a, acc] of changes.accounts) {
        if (acc === null) this.st.deleteAccount.run(a)
        else this.st.putAccount.run(a, numberToHex(acc.nonce), numberToHex(acc.balance), acc.codeHash, acc.vm)
      }
      for (const [a, slot, value] of changes.storage) {
        if (value === null || BigInt(value) === 0n) this.st.deleteSlot.run(a, slot)
        else this.st.putSlot.run(a, slot, value)
      }
      this.history.deleteSince(version)
      const n = Number(block)
      this.#db.prepare('DELETE FROM logs WHERE block_number > ?').run(n)
      this.#db.prepare('DELETE FROM txs WHERE block_number > ?').run(n)
      this.#db.prepare('DELETE FROM blocks WHERE number > ?').run(n)
      this.#db.prepare('DELETE FROM mempool').run()
      for (const e of pool) this.st.poolPut.run(e.hash, e.raw, e.from, e.seq)
      this.st.setMeta.run(DEV_VERSION_KEY, String(version))
    })()
    this.devVersion = version
  }

  /** Keeps history at or above `version` from pruning (an outstanding snapshot); `undefined` lifts the pin. */
  pinHistory(version: number | undefined): void {
    this.historyPin = version
  }

  /**
   * Does the history's work behind the head now, until none is left: indexes every change set not indexed
   * yet and prunes those older than the retention window. Returns how many change sets each step handled.
   * (With `historyIndexing: 'idle'` the store does this by itself when commits pause.)
   */
  catchUpHistory(): { indexed: number; pruned: number } {
    const done = { indexed: 0, pruned: 0 }
    for (;;) {
      const batch = this.historyStep()
      done.indexed += batch.indexed
      done.pruned += batch.pruned
      if (batch.indexed === 0 && batch.pruned === 0) return done
    }
  }

  /** Where the history's background work stands: the version indexed up to, and change sets waiting. */
  historyStatus(): { indexedUpTo: number; unindexed: number } {
    return { indexedUpTo: this.history.indexedUpTo, unindexed: this.history.backlog() }
  }

  /**
   * Tells the history's background work when the node is busy (e.g. `() => chain.mempool.size > 0`): while
   * it is, the index waits (re-checked every few seconds) unless more than 256 change sets wait.
   */
  setHistoryBusy(busy: (() => boolean) | undefined): void {
    this.historyBusy = busy
  }

  /** One small batch of the history's background work (one transaction); true when more is left. */
  private historyBatch(): boolean {
    if (!this.#db.open) return false
    if (this.historyBusy?.() && this.history.backlog() < MAX_INDEX_LAG) {
      this.indexer?.committed(true)
      return false
    }
    const { pruned, indexed } = this.historyStep()
    return pruned > 0 || indexed > 0
  }

  private historyStep(): { indexed: number; pruned: number } {
    return this.#db.transaction(() => ({
      pruned: this.pruneBatch(),
      indexed: this.history.indexNext(INDEX_BATCH_ENTRIES),
    }))()
  }

  /** Prunes a batch of change sets older than the retention window (and below any pin). */
  private pruneBatch(): number {
    if (this.retention === 'all' || this.retention === 0) return 0
    let upTo = blockVersion(this.oldestStateBlock())
    if (this.historyPin !== undefined && this.historyPin - 1 < upTo) upTo = this.historyPin - 1
    if (upTo <= 0) return 0
    return this.history.prune(upTo, PRUNE_BATCH_SETS)
  }

  private applyWriteSet(ws: WriteSet): void {
    for (const [hash, code] of ws.code) this.st.putCode.run(hash.toLowerCase(), code)
    for (const [addr, acc] of ws.accounts) {
      const a = addr.toLowerCase()
      if (acc === null) {
        this.st.deleteAccount.run(a)
        this.st.deleteStorageOf.run(a)
      } else this.st.putAccount.run(a, numberToHex(acc.nonce), numberToHex(acc.balance), acc.codeHash, acc.vm)
    }
    for (const [addr, slots] of ws.storage) {
      const a = addr.toLowerCase()
      for (const [slot, value] of slots) {
        const s = slot.toLowerCase()
        if (BigInt(value) === 0n) this.st.deleteSlot.run(a, s)
        else this.st.putSlot.run(a, s, normSlot(value))
      }
    }
  }

  // ---- state (uncached; `SQLiteStateView` caches) ----

  readAccount(address: Address): AccountState | undefined {
    return this.reads.readAccount(address)
  }

  readCode(codeHash: Hex): Uint8Array | undefined {
    return this.reads.readCode(codeHash)
  }

  readStorage(address: Address, slot: Hex): Hex {
    return this.reads.readStorage(address, slot)
  }

  /** Every account (for genesis roots and dumps; not for hot paths). */
  allAccounts(): [Address, AccountState][] {
    return (this.st.allAccounts.all() as AccountRow[]).map((r) => [
      r.address as Address,
      { nonce: BigInt(r.nonce), balance: BigInt(r.balance), codeHash: r.code_hash as Hex, vm: r.vm },
    ])
  }

  /** The storage of one account, slot → value, in slot order (for dumps; not for hot paths). */
  storageOf(address: Address): [Hex, Hex][] {
    return (this.st.storageOf.all(address.toLowerCase()) as { slot: Hex; value: Hex }[]).map((r) => [
      r.slot,
      r.value,
    ])
  }

  // ---- mempool ----

  poolPut(entries: readonly StoredPoolTx[]): void {
    if (entries.length === 1) {
      const e = entries[0] as StoredPoolTx
      this.st.poolPut.run(e.hash, e.raw, e.from, e.seq)
      return
    }
    this.#db.transaction(() => {
      for (const e of entries) this.st.poolPut.run(e.hash, e.raw, e.from, e.seq)
    })()
  }

  poolDelete(hashes: readonly Hex[]): void {
    this.#db.transaction(() => {
      for (const h of hashes) this.st.poolDelete.run(h)
    })()
  }

  poolAll(): StoredPoolTx[] {
    return (this.st.poolAll.all() as { hash: Hex; raw: Hex; sender: Address; seq: number }[]).map((r) => ({
      hash: r.hash,
      raw: r.raw,
      from: r.sender,
      seq: r.seq,
    }))
  }
}
