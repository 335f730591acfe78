import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import { BaseError } from '@rollup-mesh/core'
import Database from 'better-sqlite3'

/** What is wrong with a `chain.db`. */
export type ChainDbProblem = 'not-sqlite' | 'truncated' | 'corrupt'

/** A node's `chain.db` is truncated or corrupted: the node refuses to start on it. */
export class ChainDbCorruptError extends BaseError {
  readonly path: string
  readonly problem: ChainDbProblem
  constructor(path: string, problem: ChainDbProblem, details: string) {
    super(
      `The chain store ${path} is ${problem === 'truncated' ? 'truncated' : problem === 'not-sqlite' ? 'not an SQLite database' : 'corrupted'}: ${details}`,
      {
        code: 'CHAIN_DB_CORRUPT',
        name: 'ChainDbCorruptError',
        metaMessages: [
          '- Nothing was changed; the node did not start on it.',
          "- `mesh doctor --data-dir <mesh data dir>` checks every node's chain.db and says which ones are damaged.",
          `- Restore ${path} (with its -wal file) from a backup, or move it away and start the node again: it begins a new chain from genesis (\`mesh up --fresh\` does this for a whole local mesh).`,
        ],
      },
    )
    this.path = path
    this.problem = problem
  }
}

const SQLITE_MAGIC = 'SQLite format 3\0'
/** A WAL file this size or smaller holds no frames. */
const WAL_HEADER_BYTES = 32

/**
 * Checks a `chain.db` before the store opens it, so damage is a clear coded error at start instead of an
 * SQLite failure in the middle of a block. Fast (one header read, a read-only connection, a few reads of
 * the schema and the newest block): the header says what size the file must be at least (`page size ×
 * page count`, kept by SQLite at every checkpoint), so a truncated file is caught without reading it (unless a
 * WAL holds frames: an unfinished checkpoint leaves the count ahead of the file, and the WAL has the pages). With
 * `thorough`, SQLite's `quick_check` reads every page too (what `mesh doctor` runs). A missing or empty
 * file, or `:memory:`, passes (a new store). Throws `ChainDbCorruptError` (`CHAIN_DB_CORRUPT`).
 *
 * @example
 * ```ts
 * checkChainDb('.mesh/spn1/chain.db') // returns, or throws ChainDbCorruptError naming what is wrong
 * checkChainDb('.mesh/spn1/chain.db', { thorough: true }) // every page read (slower)
 * ```
 */
export function checkChainDb(path: string, options: { thorough?: boolean } = {}): void {
  if (path === ':memory:' || path === '' || !existsSync(path)) return
  const size = statSync(path).size
  if (size === 0) return
  const header = Buffer.alloc(100)
  const fd = openSync(path, 'r')
  let read: number
  try {
    read = readSync(fd, header, 0, 100, 0)
  } finally {
    closeSync(fd)
  }
  if (read < 100 || header.toString('latin1', 0, 16) !== SQLITE_MAGIC)
    throw new ChainDbCorruptError(path, 'not-sqlite', `its ${size}-byte header is not SQLite's.`)
  const rawPageSize = header.readUInt16BE(16)
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize
  const pages = header.readUInt32BE(28)
  // the page count is valid when the change counter matches "version-valid-for" (SQLite ≥ 3.7.0 files)
  const countValid = header.readUInt32BE(24) === header.readUInt32BE(92)
  // A checkpoint the disk could not finish (full disk, then kill -9) leaves the header's count ahead of the
  // file, with every missing page still in the WAL: SQLite reads them from there, so only a file short of
  // its header's size with no WAL frames to cover it is truncated (the reads below catch the rest).
  const walFrames = existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > WAL_HEADER_BYTES
  if (countValid && pages > 0 && size < pageSize * pages && !walFrames)
    throw new ChainDbCorruptError(
      path,
      'truncated',
      `it is ${size} bytes, its header says ${pages} pages of ${pageSize} bytes (${pageSize * pages}).`,
    )
  let db: Database.Database | undefined
  try {
    db = new Database(path, { readonly: true, fileMustExist: true })
    db.prepare('SELECT count(*) FROM sqlite_master').get()
    const hasBlocks = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'blocks'").get()
    if (hasBlocks) db.prepare('SELECT number, hash, header FROM blocks ORDER BY number DESC LIMIT 1').get()
    if (options.thorough) {
      const result = db.prepare('PRAGMA quick_check(5)').pluck().all() as string[]
      if (result.length !== 1 || result[0] !== 'ok') throw new QuickCheckFailed(result.join('; '))
    }
  } catch (err) {
    const code = (err as { code?: string }).code
    if (err instanceof QuickCheckFailed || code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB')
      throw new ChainDbCorruptError(path, 'corrupt', `${(err as Error).message}.`)
    throw err
  } finally {
    db?.close()
  }
}

/** `quick_check` found damage (internal: turned into `ChainDbCorruptError`). */
class QuickCheckFailed extends BaseError {
  constructor(result: string) {
    super(`SQLite's quick_check reports: ${result}`, {
      code: 'CHAIN_DB_QUICK_CHECK',
      name: 'QuickCheckFailed',
    })
  }
}
