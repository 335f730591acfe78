import { RPCError, RPCErrorCode } from './errors.js'

/**
 * The data dir's filesystem is full (SQLite `SQLITE_FULL`): the write was rolled back whole (one SQLite
 * transaction) and nothing changed. Over JSON-RPC a -32000 error whose message starts with "disk full". The
 * node keeps answering reads and resumes writing by itself once space returns.
 */
export class DiskFullError extends RPCError {
  readonly path: string
  constructor(path: string) {
    super(
      RPCErrorCode.server,
      `disk full: no space left for the chain store ${path}; the node refuses new transactions and blocks until space returns`,
      {
        code: 'CHAIN_DISK_FULL',
        name: 'DiskFullError',
        metaMessages: [
          "- Free space on the data dir's filesystem (or grow it): the node resumes by itself.",
          '- Nothing acknowledged was lost: the refused write changed nothing.',
        ],
      },
    )
    this.path = path
  }
}

/** Whether `error` is SQLite reporting a full disk (better-sqlite3's `SqliteError` with code `SQLITE_FULL`). */
export function isDiskFull(error: unknown): boolean {
  if (error instanceof DiskFullError) return true
  const code = (error as { code?: unknown } | null)?.code
  return code === 'SQLITE_FULL'
}

/**
 * Runs a store write; a full disk becomes `DiskFullError` (`CHAIN_DISK_FULL`) naming the store's file,
 * anything else is rethrown as it is.
 *
 * @example
 * ```ts
 * guardDiskFull(path, () => db.transaction(writeBlock)()) // throws DiskFullError when the disk is full
 * ```
 */
export function guardDiskFull<T>(path: string, write: () => T): T {
  try {
    return write()
  } catch (error) {
    if (isDiskFull(error) && !(error instanceof DiskFullError)) throw new DiskFullError(path)
    throw error
  }
}
