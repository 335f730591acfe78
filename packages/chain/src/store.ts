import { type AccountState, type Receipt, type WriteSet, ZERO_WORD } from '@rollup-mesh/core'
import Database from 'better-sqlite3'
import type { Address, Hex } from 'viem'
import type { StoredHeader } from './block.js'
import { BlockReads } from './blockReads.js'
import { Checkpointer } from './checkpointer.js'
import { ChainStoreError } from './errors.js'
import { HistoryMaintenance } from './historyMaintenance.js'
import { blockVersion, HISTORY_VERSION_STRIDE, type PriorState, StateHistory } from './stateHistory.js'
import { StateReads } from './stateReads.js'
import { guardDiskFull } from './storeDiskFull.js'
import { HistoryWindowError } from './storeErrors.js'
import {
  applyStoreExtension,
  type StoreExtension,
  type StoreExtensionHandle,
  storedExtensionVersion,
} from './storeExtension.js'
import { checkChainDb } from './storeIntegrity.js'
import type { AccountRow } from './storeRows.js'
import { HISTORY_START_KEY, migrateChainSchema } from './storeSchema.js'
import { type ChainStatements, prepareChainStatements } from './storeStatements.js'
import type {
  BlockCommit,
  ChainStoreOptions,
  LogQuery,
  StoredLog,
  StoredPoolTx,
  StoredTx,
  StoreRowWrite,
} from './storeTypes.js'
import { applyWriteSet, insertBlockRows, restoreChanges } from './storeWrites.js'

/** Meta key: the version of the last write outside blocks (dev methods). */
const DEV_VERSION_KEY = 'history.devVersion'

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
  /** The database file (named by a `DiskFullError`). */
  readonly #path: string
  private readonly st: ChainStatements
  private readonly reads: StateReads
  /** Block, transaction, receipt and log reads (the same code the RPC read workers run). */
  private readonly blocks: BlockReads
  private readonly checkpointer: Checkpointer | undefined
  private readonly history: StateHistory
  private readonly maintenance: HistoryMaintenance
  private readonly retention: number | 'all'
  private devVersion: number
  private readonly inCommit: ((c: BlockCommit) => void) | undefined
  /** Statements of the extension rows commits carry as data (`BlockCommit.rows`), by SQL text. */
  private readonly rowStatements = new Map<string, Database.Statement>()

  constructor(options: ChainStoreOptions) {
    this.inCommit = options.inCommit
    checkChainDb(options.path)
    const db = new Database(options.path)
    this.#db = db
    this.#path = options.path
    db.pragma('journal_mode = WAL')
    // NORMAL survives process crashes (kill -9); only an OS crash can lose the last commits.
    db.pragma('synchronous = NORMAL')
    db.pragma('cache_size = -65536')
    migrateChainSchema(db)
    this.st = prepareChainStatements(db)
    this.reads = new StateReads(db)
    this.blocks = new BlockReads(db)
    this.history = new StateHistory(db, this.reads, () => this.catchUpHistory())
    const retention = options.history?.blocks ?? 'all'
    if (retention !== 'all' && (!Number.isSafeInteger(retention) || retention < 0))
      throw new ChainStoreError(`history.blocks must be a whole number of blocks or 'all', got ${retention}.`)
    this.retention = retention
    this.devVersion = Number(this.st.getMeta.get(DEV_VERSION_KEY) ?? 0)
    this.maintenance = new HistoryMaintenance({
      history: this.history,
      retention,
      indexing: options.historyIndexing ?? 'idle',
      transaction: (fn) => (db.open ? db.transaction(fn)() : undefined),
      oldestStateVersion: () => blockVersion(this.oldestStateBlock()),
    })
    const interval = options.checkpointIntervalMs
    if (interval && options.path !== ':memory:') {
      db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`)
      this.checkpointer = new Checkpointer(options.path, interval)
    }
  }

  close(): void {
    this.maintenance.stop()
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
    return guardDiskFull(this.#path, () => this.#db.transaction(fn)())
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
    return this.blocks.head()
  }

  getHeaderByNumber(n: bigint): StoredHeader | undefined {
    return this.blocks.getHeaderByNumber(n)
  }

  getHeaderByHash(hash: Hex): StoredHeader | undefined {
    return this.blocks.getHeaderByHash(hash)
  }

  /** Hashes of blocks `from..to` (inclusive), oldest first. */
  getHashes(from: bigint, to: bigint): Hex[] {
    return this.st.hashesInRange.all(Number(from), Number(to)) as Hex[]
  }

  getBlockTxs(n: bigint): StoredTx[] {
    return this.blocks.getBlockTxs(n)
  }

  getTx(hash: Hex): StoredTx | undefined {
    return this.blocks.getTx(hash)
  }

  /** A transaction's receipt, with the block-wide index of its first log (`BlockReads.getReceipt`). */
  getReceipt(hash: Hex): { tx: StoredTx; receipt: Receipt; firstLogIndex: number } | undefined {
    return this.blocks.getReceipt(hash)
  }

  /** The block-wide index of the first log of transaction `txIndex` of block `n` (counted: O(logs of the block)). */
  firstLogIndex(n: bigint, txIndex: number): number {
    return this.blocks.firstLogIndex(n, txIndex)
  }

  /** Logs matching `q`, in block and log order, at most `q.limit`. */
  getLogs(q: LogQuery): StoredLog[] {
    return this.blocks.getLogs(q)
  }

  /** Writes a block, its transactions, receipts, logs and state changes, and mempool removals in one transaction. */
  commitBlock(c: BlockCommit): void {
    this.commitTx(c)
  }

  private readonly commitTx = (c: BlockCommit): void => {
    this.transaction(() => {
      const n = Number(c.header.number)
      insertBlockRows(this.st, c)
      if (n > 0 && this.retention !== 0) {
        if (c.changeSet === undefined) this.history.record(blockVersion(n), c.writeSet, c.prior)
        else this.history.insert(blockVersion(n), c.changeSet)
      }
      applyWriteSet(this.st, c.writeSet)
      for (const h of c.mempoolRemovals) this.st.poolDelete.run(h)
      if (c.rows) this.writeRows(c.rows)
      this.inCommit?.(c)
    })
    this.maintenance.committed(c.txs.length > 0)
  }

  /**
   * Block `number`'s history change set for `ws`, encoded here as hex (`BlockCommit.changeSet`) so a commit applied
   * on another connection (the writer thread's) needs no before-value reads: each from `prior` when it holds
   * it, else this connection's committed state, which must be the block's pre-state (every earlier block
   * durable). `null`: nothing changed; `undefined`: this store records no history for the block.
   */
  changeSetOf(number: bigint, ws: WriteSet, prior?: PriorState): string | null | undefined {
    if (number <= 0n || this.retention === 0) return undefined
    return this.history.changeSetOf(ws, prior)
  }

  /** Writes extension rows given as data (inside the caller's transaction); statements are prepared once. */
  private writeRows(rows: readonly StoreRowWrite[]): void {
    for (const row of rows) {
      let st = this.rowStatements.get(row.sql)
      if (!st) {
        st = this.#db.prepare(row.sql)
        if (st.reader)
          throw new ChainStoreError(`A commit's extension row is a query, not a write: ${row.sql}`, [
            '- `BlockCommit.rows` holds INSERT, UPDATE or DELETE statements.',
          ])
        this.rowStatements.set(row.sql, st)
      }
      // a BLOB that crossed a thread arrives as a plain Uint8Array; better-sqlite3 binds Buffers
      st.run(
        ...row.params.map((p) =>
          p instanceof Uint8Array && !Buffer.isBuffer(p)
            ? Buffer.from(p.buffer, p.byteOffset, p.byteLength)
            : p,
        ),
      )
    }
  }

  /**
   * A block was committed on another connection (the commit writer's): the history's background work
   * hears of it as of its own commits.
   */
  committedElsewhere(withTxs: boolean): void {
    this.maintenance.committed(withTxs)
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

  /**
   * An account as it was after block `n` was sealed (uncached; check the window first). The current value is
   * read BEFORE the history: a block the commit writer commits between the two reads (its state and change
   * set are one transaction) then shows in the history, which wins; read the other way round, that block's
   * value would pass for block `n`'s.
   */
  accountAt(address: Address, n: bigint): AccountState | undefined {
    const current = this.reads.readAccount(address)
    const past = this.history.accountAt(address, blockVersion(n))
    if (past === undefined) return current
    return past ?? undefined
  }

  /** A storage slot as it was after block `n` was sealed (uncached; check the window first; reads as `accountAt`). */
  storageAt(address: Address, slot: Hex, n: bigint): Hex {
    const current = this.reads.readStorage(address, slot)
    const past = this.history.storageAt(address, slot, blockVersion(n))
    if (past === undefined) return current
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
    this.transaction(() => {
      if (this.retention !== 0) this.history.record(version, ws)
      applyWriteSet(this.st, ws)
      this.st.setMeta.run(DEV_VERSION_KEY, String(version))
    })
    this.devVersion = version
    this.maintenance.committed(false)
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
    this.transaction(() => {
      const changes = this.history.changesSince(version)
      restoreChanges(this.st, changes)
      this.history.deleteSince(version)
      const n = Number(block)
      this.#db.prepare('DELETE FROM logs WHERE block_number > ?').run(n)
      this.#db.prepare('DELETE FROM txs WHERE block_number > ?').run(n)
      this.#db.prepare('DELETE FROM blocks WHERE number > ?').run(n)
      this.#db.prepare('DELETE FROM mempool').run()
      for (const e of pool) this.st.poolPut.run(e.hash, e.raw, e.from, e.seq)
      this.st.setMeta.run(DEV_VERSION_KEY, String(version))
    })
    this.devVersion = version
  }

  /** Keeps history at or above `version` from pruning (an outstanding snapshot); `undefined` lifts the pin. */
  pinHistory(version: number | undefined): void {
    this.maintenance.pin = version
  }

  /**
   * Does the history's work behind the head now, until none is left: indexes every change set not indexed
   * yet and prunes those older than the retention window. Returns how many change sets each step handled.
   * (With `historyIndexing: 'idle'` the store does this by itself when commits pause.)
   */
  catchUpHistory(): { indexed: number; pruned: number } {
    return this.maintenance.catchUp()
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
    this.maintenance.busy = busy
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
    this.transaction(() => {
      for (const e of entries) this.st.poolPut.run(e.hash, e.raw, e.from, e.seq)
    })
  }

  poolDelete(hashes: readonly Hex[]): void {
    this.transaction(() => {
      for (const h of hashes) this.st.poolDelete.run(h)
    })
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
