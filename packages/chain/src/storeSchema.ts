import type Database from 'better-sqlite3'
import { ChainStoreError } from './errors.js'
import { convertSchema4History } from './historyMigration.js'

/** The chain store's own schema version (meta key `schema`). */
export const SCHEMA_VERSION = '5'

const TXS_TABLE = `CREATE TABLE IF NOT EXISTS txs (
  block_number INTEGER NOT NULL, idx INTEGER NOT NULL, hash TEXT NOT NULL, raw TEXT NOT NULL, sender TEXT NOT NULL,
  recipient TEXT, receipt TEXT NOT NULL, first_log INTEGER, PRIMARY KEY (block_number, idx));`
const MEMPOOL_TABLE = `CREATE TABLE IF NOT EXISTS mempool (
  hash TEXT NOT NULL UNIQUE, raw TEXT NOT NULL, sender TEXT NOT NULL, seq INTEGER NOT NULL);`

/**
 * Schema 5: state history in erigon's stages. `change_sets`: ONE row per block (version `block × 2^20`) or
 * dev write (`block × 2^20 + k`, the k-th write outside blocks while `block` was the head), a binary list
 * of every key written with the value it had *before* (`changeSet.ts`), written in the block's own
 * transaction. `history_index`: per key (20-byte address, or 52-byte address ‖ slot) and version, the
 * before-value, built behind the head up to meta `history.indexedUpTo`. The state at block N is, per key,
 * the before-value of its first change after `N × 2^20`, or the current value when there is none.
 * Schema 4 kept a row and an index entry per written key inside the block's transaction (≈ 12% of the
 * node's CPU per transaction); its rows are converted to change sets on upgrade.
 */
const HISTORY_TABLES = `
CREATE TABLE IF NOT EXISTS change_sets (version INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS history_index (
  key BLOB NOT NULL, version INTEGER NOT NULL, value BLOB NOT NULL, PRIMARY KEY (key, version)) WITHOUT ROWID;`

/** Meta key: the first block whose state history is complete (0 for stores created with history). */
export const HISTORY_START_KEY = 'history.start'

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
${HISTORY_TABLES}
`

/**
 * Creates the chain store's tables in a new database, or brings an older one (schema 1 or 2) to the
 * current schema in one transaction; refuses a schema it does not know.
 */
export function migrateChainSchema(db: Database.Database): void {
  db.exec(SCHEMA)
  const version = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get('schema') as
    | string
    | undefined
  if (version === undefined) {
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema', SCHEMA_VERSION)
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(HISTORY_START_KEY, '0')
  } else if (version === '1' || version === '2' || version === '3' || version === '4')
    db.transaction(() => upgrade(db, version))()
  else if (version !== SCHEMA_VERSION)
    throw new ChainStoreError(`Chain store schema version ${version} is not supported.`, [
      `- This node reads version ${SCHEMA_VERSION}; use a fresh data dir.`,
    ])
}

/** Brings a schema 1, 2, 3 or 4 store to the current schema (inside one transaction). */
function upgrade(db: Database.Database, from: '1' | '2' | '3' | '4'): void {
  if (from === '1' || from === '2') upgradeTo3(db, from)
  if (from === '4') convertSchema4History(db)
  else {
    // 3 → 4: history starts at the head the upgrade finds, older blocks are outside the window.
    const head = db.prepare('SELECT max(number) FROM blocks').pluck().get() as number | null
    db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(
      HISTORY_START_KEY,
      String(head ?? 0),
    )
  }
  db.prepare('UPDATE meta SET value = ? WHERE key = ?').run(SCHEMA_VERSION, 'schema')
}

/** Brings a schema 1 or 2 store to schema 3. */
function upgradeTo3(db: Database.Database, from: '1' | '2'): void {
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
}
