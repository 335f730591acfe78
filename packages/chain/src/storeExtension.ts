import type Database from 'better-sqlite3'
import {
  InvalidStoreExtensionError,
  StoreExtensionTooNewError,
  StoreExtensionVersionError,
} from './storeErrors.js'

/** A statement an extension prepared (better-sqlite3's, narrowed to what extensions use). */
export type StoreStatement = {
  run(...params: unknown[]): { changes: number }
  get(...params: unknown[]): unknown
  all(...params: unknown[]): unknown[]
  /** Rows as their first column's value. */
  pluck(toggle?: boolean): StoreStatement
}

/** What a migration may do: run schema statements (and move data) in the registration's transaction. */
export type StoreMigrationContext = {
  exec(sql: string): void
  prepare(sql: string): StoreStatement
}

/** Brings an extension's tables from one version to the next. */
export type StoreMigration = (ctx: StoreMigrationContext) => void

/**
 * Tables another package keeps in the chain store's database, next to the blocks (so that what it writes
 * in a block's transaction lands with the block). `migrations[i]` brings the tables from version `i` to
 * `i + 1`; the code's version is `migrations.length`, kept in the store's meta table under
 * `extension.<name>`. Migrations only ever get appended.
 */
export type StoreExtension = {
  /** Lower-case letters, digits and underscores (`spn_inbox`); also the prefix of its tables by convention. */
  name: string
  migrations: readonly StoreMigration[]
}

/** A registered extension: its statements, prepared once, and the store's transactions. */
export type StoreExtensionHandle = {
  readonly name: string
  /** The version its tables are at (= the code's). */
  readonly version: number
  prepare(sql: string): StoreStatement
  /** The store's transaction (nested: a savepoint), so extension and block writes land together. */
  transaction<T>(fn: () => T): T
}

const NAME = /^[a-z][a-z0-9_]*$/

/** The meta key an extension's version is kept under. */
export const extensionMetaKey = (name: string): string => `extension.${name}`

/** The version an extension's tables are at in `db` (0 when it was never registered). */
export function storedExtensionVersion(db: Database.Database, name: string): number {
  const stored = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(extensionMetaKey(name)) as
    | string
    | undefined
  if (stored === undefined) return 0
  const version = Number(stored)
  if (!Number.isSafeInteger(version) || version < 0) throw new StoreExtensionVersionError(name, stored)
  return version
}

/**
 * Runs the migrations `ext` has that `db` lacks, in one transaction with the new version, and returns its
 * handle; refuses a database whose tables are newer than the code.
 */
export function applyStoreExtension(db: Database.Database, ext: StoreExtension): StoreExtensionHandle {
  if (!NAME.test(ext.name)) throw new InvalidStoreExtensionError(ext.name)
  const target = ext.migrations.length
  const context: StoreMigrationContext = {
    exec: (sql) => {
      db.exec(sql)
    },
    prepare: (sql) => db.prepare(sql),
  }
  db.transaction(() => {
    const from = storedExtensionVersion(db, ext.name)
    if (from > target) throw new StoreExtensionTooNewError(ext.name, from, target)
    if (from === target) return
    for (let v = from; v < target; v++) ext.migrations[v]?.(context)
    db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(
      extensionMetaKey(ext.name),
      String(target),
    )
  })()
  return {
    name: ext.name,
    version: target,
    prepare: (sql) => db.prepare(sql),
    transaction: (fn) => db.transaction(fn)(),
  }
}
