import { type AccountState, type Receipt, type WriteSet, ZERO_WORD } from '@rollup-mesh/core'
import Database from 'better-sqlite3'
import { type Address, type Hex, numberToHex } from 'viem'
import type { BlockHeader, StoredHeader } from './block.js'
import { encodeHeader } from './block.js'
import { Checkpointer } from './checkpointer.js'
import { headerFromJSON, headerToJSON, receiptFromJSON, receiptToJSON } from './codec.js'
import { ChainStoreError } from './errors.js'

const SCHEMA_VERSION = '3'

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
}

/** WAL pages after which a commit checkpoints itself while a background checkpointer runs (about 256 MiB). */
const BACKSTOP_CHECKPOINT_PAGES = 65_536

/**
 * Reads of the committed state (accounts, code, storage, the head's state root) over one connection: the
 * store's own, or a read-only one another thread opens (`openCommittedState`). Uncached.
 */
export class StateReads {
  private readonly account: Database.Statement
  private readonly slot: Database.Statement
  private readonly code: Database.Statement
  private readonly head: Database.Statement

  constructor(db: Database.Database) {
    this.account = db.prepare('SELECT * FROM accounts WHERE address = ?')
    this.slot = db.prepare('SELECT value FROM storage WHERE address = ? AND slot = ?').pluck()
    this.code = db.prepare('SELECT code FROM code WHERE hash = ?').pluck()
    this.head = db.prepare('SELECT header FROM blocks ORDER BY number DESC LIMIT 1').pluck()
  }

  readAccount(address: Address): AccountState | undefined {
    const row = this.account.get(address.toLowerCase()) as AccountRow | undefined
    if (!row) return undefined
    return {
      nonce: BigInt(row.nonce),
      balance: BigInt(row.balance),
      codeHash: row.code_hash as Hex,
      vm: row.vm,
    }
  }

  readCode(codeHash: Hex): Uint8Array | undefined {
    const buf = this.code.get(codeHash.toLowerCase()) as Buffer | undefined
    return buf ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : undefined
  }

  readStorage(address: Address, slot: Hex): Hex {
    const v = this.slot.get(address.toLowerCase(), normSlot(slot)) as Hex | undefined
    return v ?? ZERO_WORD
  }

  /** The state root of the newest committed block (undefined before genesis). */
  headStateRoot(): Hex | undefined {
    const header = this.head.get() as string | undefined
    return header === undefined ? undefined : headerFromJSON(header).stateRoot
  }
}

/**
 * The SQLite chain store (better-sqlite3, WAL): headers, transactions,
 * receipts, logs, account/storage/code state and the persisted mempool.
 * Every block is one SQLite transaction, so a crash never leaves half a block.
 */
export class ChainStore {
  readonly db: Database.Database
  private readonly st: ReturnType<typeof prepare>
  private readonly reads: StateReads
  private readonly checkpointer: Checkpointer | undefined

  constructor(options: ChainStoreOptions) {
    this.db = new Database(options.path)
    this.db.pragma('journal_mode = WAL')
    // NORMAL survives process crashes (kill -9); only an OS crash can lose the last commits.
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('cache_size = -65536')
    this.db.exec(SCHEMA)
    const version = this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get('schema') as
      | string
      | undefined
    if (version === undefined)
      this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema', SCHEMA_VERSION)
    else if (version === '1' || version === '2') this.db.transaction(() => upgrade(this.db, version))()
    else if (version !== SCHEMA_VERSION)
      throw new ChainStoreError(`Chain store schema version ${version} is not supported.`, [
        `- This node reads version ${SCHEMA_VERSION}; use a fresh data dir.`,
      ])
    this.st = prepare(this.db)
    this.reads = new StateReads(this.db)
    const interval = options.checkpointIntervalMs
    if (interval && options.path !== ':memory:') {
      this.db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`)
      this.checkpointer = new Checkpointer(options.path, interval)
    }
  }

  close(): void {
    this.checkpointer?.stop()
    if (this.db.open) this.db.close()
  }

  /**
   * Runs `fn` in one SQLite transaction (nested calls become savepoints): everything it writes through
   * this store, or through a store extension, lands together or not at all.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
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
    const rows = this.db
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
    this.db.transaction(() => {
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
      this.applyWriteSet(c.writeSet)
      for (const h of c.mempoolRemovals) this.st.poolDelete.run(h)
    })()
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
    return (this.db.prepare('SELECT * FROM accounts ORDER BY address').all() as AccountRow[]).map((r) => [
      r.address as Address,
      { nonce: BigInt(r.nonce), balance: BigInt(r.balance), codeHash: r.code_hash as Hex, vm: r.vm },
    ])
  }

  // ---- mempool ----

  poolPut(entries: readonly StoredPoolTx[]): void {
    if (entries.length === 1) {
      const e = entries[0] as StoredPoolTx
      this.st.poolPut.run(e.hash, e.raw, e.from, e.seq)
      return
    }
    this.db.transaction(() => {
      for (const e of entries) this.st.poolPut.run(e.hash, e.raw, e.from, e.seq)
    })()
  }

  poolDelete(hashes: readonly Hex[]): void {
    this.db.transaction(() => {
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

/** Slots are stored as 32-byte lower-case hex. */
export function normSlot(slot: Hex): Hex {
  if (slot.length === 66) return slot.toLowerCase() as Hex
  return `0x${slot.slice(2).padStart(64, '0').toLowerCase()}` as Hex
}

type BlockRow = { number: number; hash: string; header: string; tx_count: number; size: number }
type TxRow = {
  hash: string
  block_number: number
  idx: number
  raw: string
  sender: string
  recipient: string | null
  receipt: string
  first_log: number | null
  block_hash: string
}
type LogRow = {
  block_number: number
  log_index: number
  tx_index: number
  tx_hash: string
  address: string
  topic0: string | null
  topic1: string | null
  topic2: string | null
  topic3: string | null
  data: string
  block_hash: string
}
type AccountRow = { address: string; nonce: string; balance: string; code_hash: string; vm: 'evm' | 'wasm' }

function rowToHeader(row: BlockRow): StoredHeader {
  return { ...headerFromJSON(row.header), hash: row.hash as Hex, txCount: row.tx_count, size: row.size }
}

/** The receipt column: codec's JSON, plus `depositNonce` for deposits. */
function storedReceipt(r: Receipt): string {
  const json = receiptToJSON(r)
  if (r.depositNonce === undefined) return json
  return JSON.stringify({ ...JSON.parse(json), depositNonce: numberToHex(r.depositNonce) })
}

function rowToTx(r: TxRow): StoredTx {
  const tx: StoredTx = {
    hash: r.hash as Hex,
    raw: r.raw as Hex,
    from: r.sender as Address,
    to: r.recipient as Address | null,
    blockNumber: BigInt(r.block_number),
    blockHash: r.block_hash as Hex,
    index: r.idx,
  }
  if (r.raw.startsWith('0x7e')) {
    const nonce = (JSON.parse(r.receipt) as { depositNonce?: string }).depositNonce
    if (nonce !== undefined) tx.depositNonce = BigInt(nonce)
  }
  return tx
}

const TXS_TABLE = `CREATE TABLE IF NOT EXISTS txs (
  block_number INTEGER NOT NULL, idx INTEGER NOT NULL, hash TEXT NOT NULL, raw TEXT NOT NULL, sender TEXT NOT NULL,
  recipient TEXT, receipt TEXT NOT NULL, first_log INTEGER, PRIMARY KEY (block_number, idx));`
const MEMPOOL_TABLE = `CREATE TABLE IF NOT EXISTS mempool (
  hash TEXT NOT NULL UNIQUE, raw TEXT NOT NULL, sender TEXT NOT NULL, seq INTEGER NOT NULL);`

/**
 * Since schema 3 `txs` and `mempool` are rowid tables (rows appended in block / arrival order) with their
 * hashes in a separate index: as WITHOUT ROWID tables keyed by the random hash, every insert landed the
 * whole row on a random page, and a 5,000-transaction block's rows took 80 → 230 ms as the table grew
 * (measured; 70–80 ms flat now).
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks (
  number INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, header TEXT NOT NULL,
  tx_count INTEGER NOT NULL, size INTEGER NOT NULL);
${TXS_TABLE}
CREATE INDEX IF NOT EXISTS txs_hash ON txs (hash);
CREATE TABLE IF NOT EXISTS logs (
  block_number INTEGER NOT NULL, log_index INTEGER NOT NULL, tx_index INTEGER NOT NULL, tx_hash TEXT NOT NULL,
  address TEXT NOT NULL, topic0 TEXT, topic1 TEXT, topic2 TEXT, topic3 TEXT, data TEXT NOT NULL,
  PRIMARY KEY (block_number, log_index)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS logs_address ON logs (address, block_number);
CREATE INDEX IF NOT EXISTS logs_topic0 ON logs (topic0, block_number);
CREATE TABLE IF NOT EXISTS accounts (
  address TEXT PRIMARY KEY, nonce TEXT NOT NULL, balance TEXT NOT NULL, code_hash TEXT NOT NULL,
  vm TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS storage (
  address TEXT NOT NULL, slot TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (address, slot)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS code (hash TEXT PRIMARY KEY, code BLOB NOT NULL) WITHOUT ROWID;
${MEMPOOL_TABLE}
`

/** Brings a schema 1 or 2 store to the current schema (inside one transaction). */
function upgrade(db: Database.Database, from: '1' | '2'): void {
  // 1 → 2: transactions remember the block-wide index of their first log (NULL for older rows).
  if (from === '1') db.exec('ALTER TABLE txs ADD COLUMN first_log INTEGER')
  // 2 → 3: txs and mempool become rowid tables in insertion order, their hashes indexed. SCHEMA has just
  // created nothing for them (the old tables exist), so they are rebuilt under a temporary name.
  db.exec(`
    ${TXS_TABLE.replace('txs (', 'txs_v3 (')}
    INSERT INTO txs_v3 (hash, block_number, idx, raw, sender, recipient, receipt, first_log)
      SELECT hash, block_number, idx, raw, sender, recipient, receipt, first_log FROM txs ORDER BY block_number, idx;
    DROP TABLE txs;
    ALTER TABLE txs_v3 RENAME TO txs;
    CREATE INDEX txs_hash ON txs (hash);
    ${MEMPOOL_TABLE.replace('mempool (', 'mempool_v3 (')}
    INSERT INTO mempool_v3 (hash, raw, sender, seq) SELECT hash, raw, sender, seq FROM mempool ORDER BY seq;
    DROP TABLE mempool;
    ALTER TABLE mempool_v3 RENAME TO mempool;
  `)
  db.prepare('UPDATE meta SET value = ? WHERE key = ?').run(SCHEMA_VERSION, 'schema')
}

function prepare(db: Database.Database) {
  return {
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
    setMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
    head: db.prepare('SELECT * FROM blocks ORDER BY number DESC LIMIT 1'),
    blockByNumber: db.prepare('SELECT * FROM blocks WHERE number = ?'),
    blockByHash: db.prepare('SELECT * FROM blocks WHERE hash = ?'),
    hashesInRange: db
      .prepare('SELECT hash FROM blocks WHERE number >= ? AND number <= ? ORDER BY number')
      .pluck(),
    insertBlock: db.prepare(
      'INSERT INTO blocks (number, hash, header, tx_count, size) VALUES (?, ?, ?, ?, ?)',
    ),
    insertTx: db.prepare(
      'INSERT INTO txs (hash, block_number, idx, raw, sender, recipient, receipt, first_log) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    txsOfBlock: db.prepare(
      'SELECT t.*, b.hash AS block_hash FROM txs t JOIN blocks b ON b.number = t.block_number WHERE t.block_number = ? ORDER BY t.idx',
    ),
    txByHash: db.prepare(
      'SELECT t.*, b.hash AS block_hash FROM txs t JOIN blocks b ON b.number = t.block_number WHERE t.hash = ?',
    ),
    insertLog: db.prepare(
      'INSERT INTO logs (block_number, log_index, tx_index, tx_hash, address, topic0, topic1, topic2, topic3, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    logsBefore: db.prepare('SELECT COUNT(*) FROM logs WHERE block_number = ? AND tx_index < ?').pluck(),
    putAccount: db.prepare(
      'INSERT OR REPLACE INTO accounts (address, nonce, balance, code_hash, vm) VALUES (?, ?, ?, ?, ?)',
    ),
    deleteAccount: db.prepare('DELETE FROM accounts WHERE address = ?'),
    deleteStorageOf: db.prepare('DELETE FROM storage WHERE address = ?'),
    putSlot: db.prepare('INSERT OR REPLACE INTO storage (address, slot, value) VALUES (?, ?, ?)'),
    deleteSlot: db.prepare('DELETE FROM storage WHERE address = ? AND slot = ?'),
    putCode: db.prepare('INSERT OR IGNORE INTO code (hash, code) VALUES (?, ?)'),
    poolPut: db.prepare('INSERT OR REPLACE INTO mempool (hash, raw, sender, seq) VALUES (?, ?, ?, ?)'),
    poolDelete: db.prepare('DELETE FROM mempool WHERE hash = ?'),
    poolAll: db.prepare('SELECT * FROM mempool ORDER BY seq'),
  }
}
