import type Database from 'better-sqlite3'

/** The SQL of the chain store's own statements. */
const SQL = {
  getMeta: 'SELECT value FROM meta WHERE key = ?',
  setMeta: 'INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)',
  head: 'SELECT * FROM blocks ORDER BY number DESC LIMIT 1',
  blockByNumber: 'SELECT * FROM blocks WHERE number = ?',
  blockByHash: 'SELECT * FROM blocks WHERE hash = ?',
  hashesInRange: 'SELECT hash FROM blocks WHERE number >= ? AND number <= ? ORDER BY number',
  insertBlock: 'INSERT INTO blocks (number, hash, header, tx_count, size) VALUES (?, ?, ?, ?, ?)',
  insertTx:
    'INSERT INTO txs (hash, block_number, idx, raw, sender, recipient, receipt, first_log) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  txsOfBlock:
    'SELECT t.*, b.hash AS block_hash FROM txs t JOIN blocks b ON b.number = t.block_number WHERE t.block_number = ? ORDER BY t.idx',
  txByHash:
    'SELECT t.*, b.hash AS block_hash FROM txs t JOIN blocks b ON b.number = t.block_number WHERE t.hash = ?',
  insertLog:
    'INSERT INTO logs (block_number, log_index, tx_index, tx_hash, address, topic0, topic1, topic2, topic3, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  logsBefore: 'SELECT COUNT(*) FROM logs WHERE block_number = ? AND tx_index < ?',
  allAccounts: 'SELECT * FROM accounts ORDER BY address',
  storageOf: 'SELECT slot, value FROM storage WHERE address = ? ORDER BY slot',
  putAccount:
    'INSERT OR REPLACE INTO accounts (address, nonce, balance, code_hash, vm) VALUES (?, ?, ?, ?, ?)',
  deleteAccount: 'DELETE FROM accounts WHERE address = ?',
  deleteStorageOf: 'DELETE FROM storage WHERE address = ?',
  putSlot: 'INSERT OR REPLACE INTO storage (address, slot, value) VALUES (?, ?, ?)',
  deleteSlot: 'DELETE FROM storage WHERE address = ? AND slot = ?',
  putCode: 'INSERT OR IGNORE INTO code (hash, code) VALUES (?, ?)',
  poolPut: 'INSERT OR REPLACE INTO mempool (hash, raw, sender, seq) VALUES (?, ?, ?, ?)',
  poolDelete: 'DELETE FROM mempool WHERE hash = ?',
  poolAll: 'SELECT * FROM mempool ORDER BY seq',
} as const

/** Statements whose rows are their first column's value. */
const PLUCKED: ReadonlySet<string> = new Set(['getMeta', 'hashesInRange', 'logsBefore'])

/** The chain store's own statements, prepared once when it opens. */
export type ChainStatements = Record<keyof typeof SQL, Database.Statement>

/** The statements block, transaction, receipt and log reads use (all a read-only connection prepares). */
export const BLOCK_READ_STATEMENTS = [
  'head',
  'blockByNumber',
  'blockByHash',
  'txsOfBlock',
  'txByHash',
  'logsBefore',
] as const satisfies readonly (keyof typeof SQL)[]

export type BlockReadStatements = Pick<ChainStatements, (typeof BLOCK_READ_STATEMENTS)[number]>

/** Prepares the chain store's statements (`only`: just those, e.g. `BLOCK_READ_STATEMENTS` on a read-only connection). */
export function prepareChainStatements(db: Database.Database): ChainStatements
export function prepareChainStatements(
  db: Database.Database,
  only: typeof BLOCK_READ_STATEMENTS,
): BlockReadStatements
export function prepareChainStatements(
  db: Database.Database,
  only?: readonly (keyof typeof SQL)[],
): Partial<ChainStatements> {
  const out: Partial<ChainStatements> = {}
  for (const [name, sql] of Object.entries(SQL) as [keyof typeof SQL, string][]) {
    if (only && !only.includes(name)) continue
    const st = db.prepare(sql)
    out[name] = PLUCKED.has(name) ? st.pluck() : st
  }
  return out
}
