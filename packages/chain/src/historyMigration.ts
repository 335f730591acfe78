import type { AccountState } from '@rollup-mesh/core'
import type Database from 'better-sqlite3'
import type { Hex } from 'viem'
import { type ChangeSetEntries, encodeChangeSet } from './changeSet.js'
import { INDEXED_UP_TO_KEY } from './stateHistory.js'

type Schema4Row = {
  version: number
  address: string
  slot?: string
  nonce?: string | null
  balance?: string | null
  code_hash?: string | null
  vm?: 'evm' | 'wasm' | null
  value?: string | null
}

/**
 * Schema 4 → 5 (inside the upgrade's transaction): schema 4's per-key history rows (`account_history`,
 * `storage_history`: version, key, value before) become one change set per version, and the old tables
 * are dropped. The index is left to the indexer (`history.indexedUpTo` = 0), so every kept block stays
 * readable across the upgrade.
 */
export function convertSchema4History(db: Database.Database): void {
  const sets = new Map<number, ChangeSetEntries>()
  const entriesAt = (version: number): ChangeSetEntries => {
    let e = sets.get(version)
    if (!e) {
      e = { accounts: new Map(), storage: new Map() }
      sets.set(version, e)
    }
    return e
  }
  // Within one version a key has one row; `rowid` order keeps the change sets in version order.
  for (const r of db
    .prepare('SELECT version, address, nonce, balance, code_hash, vm FROM account_history ORDER BY rowid')
    .iterate() as Iterable<Schema4Row>) {
    const acc: AccountState | null =
      r.nonce == null || r.balance == null || r.code_hash == null || r.vm == null
        ? null
        : { nonce: BigInt(r.nonce), balance: BigInt(r.balance), codeHash: r.code_hash as Hex, vm: r.vm }
    entriesAt(r.version).accounts.set(r.address.toLowerCase(), acc)
  }
  for (const r of db
    .prepare('SELECT version, address, slot, value FROM storage_history ORDER BY rowid')
    .iterate() as Iterable<Schema4Row>) {
    const key = r.address.toLowerCase() + (r.slot as string).slice(2).padStart(64, '0').toLowerCase()
    const value =
      r.value == null || BigInt(r.value) === 0n
        ? null
        : (`0x${r.value.slice(2).padStart(64, '0').toLowerCase()}` as Hex)
    entriesAt(r.version).storage.set(key, value)
  }
  const insert = db.prepare('INSERT INTO change_sets (version, data) VALUES (?, ?)')
  for (const version of [...sets.keys()].sort((a, b) => a - b))
    insert.run(version, encodeChangeSet(sets.get(version) as ChangeSetEntries))
  db.exec('DROP TABLE account_history; DROP TABLE storage_history;')
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(INDEXED_UP_TO_KEY, '0')
}
