import type { AccountState, WriteSet } from '@rollup-mesh/core'
import type Database from 'better-sqlite3'
import type { Address, Hex } from 'viem'
import { normSlot } from './storeRows.js'

/**
 * Versions order every change of the state: block `n` writes at `n × HISTORY_VERSION_STRIDE`, and the k-th
 * write outside blocks while `n` is the head (a dev method such as `anvil_setBalance`) at
 * `n × HISTORY_VERSION_STRIDE + k`. The state of block `n` as it was sealed is everything up to
 * `blockVersion(n)`.
 */
export const HISTORY_VERSION_STRIDE = 1_048_576

/** The version block `n`'s changes are recorded at (its post-state is every change up to it). */
export function blockVersion(n: bigint | number): number {
  return Number(n) * HISTORY_VERSION_STRIDE
}

type AccountHistoryRow = {
  address: string
  nonce: string | null
  balance: string | null
  code_hash: string | null
  vm: 'evm' | 'wasm' | null
}

type StorageHistoryRow = { address: string; slot: string; value: string | null }

/** What the state looked like before every change after a version: per key, its earliest before-value. */
export type StateChangesSince = {
  /** `null`: the account did not exist. */
  accounts: [Address, AccountState | null][]
  /** `null`: the slot was zero. */
  storage: [Address, Hex, Hex | null][]
}

const SQL = {
  recordAccount: `INSERT INTO account_history (version, k, address, nonce, balance, code_hash, vm)
    SELECT ?, ?, ?, a.nonce, a.balance, a.code_hash, a.vm FROM (SELECT 1) LEFT JOIN accounts a ON a.address = ?`,
  recordSlot: `INSERT INTO storage_history (version, k, address, slot, value)
    SELECT ?, ?, ?, ?, s.value FROM (SELECT 1) LEFT JOIN storage s ON s.address = ? AND s.slot = ?`,
  storageOf: 'SELECT slot FROM storage WHERE address = ?',
  accountAfter:
    'SELECT * FROM account_history WHERE k = ? AND version > ? AND address = ? ORDER BY version LIMIT 1',
  slotAfter:
    'SELECT value FROM storage_history WHERE k = ? AND version > ? AND address = ? AND slot = ? ORDER BY version LIMIT 1',
} as const

/**
 * The chain store's state history: per-change before-values (reth's and erigon's change sets) keyed for
 * "the first change of this key after version v" in one indexed lookup. Written inside the block's (or the
 * dev write's) SQLite transaction, before the write set is applied, with statements prepared once.
 */
export class StateHistory {
  private readonly st: Record<keyof typeof SQL, Database.Statement>

  constructor(private readonly db: Database.Database) {
    const st: Partial<Record<keyof typeof SQL, Database.Statement>> = {}
    for (const [name, sql] of Object.entries(SQL) as [keyof typeof SQL, string][]) st[name] = db.prepare(sql)
    st.storageOf = st.storageOf?.pluck()
    this.st = st as Record<keyof typeof SQL, Database.Statement>
  }

  /** Records the current value of everything `ws` writes, at `version` (call before applying `ws`). */
  record(version: number, ws: WriteSet): void {
    const { recordAccount, recordSlot, storageOf } = this.st
    for (const [addr, acc] of ws.accounts) {
      const a = addr.toLowerCase()
      recordAccount.run(version, historyKey(a), a, a)
      if (acc === null) {
        // a deleted account's storage goes with it: every slot's value is recorded
        const written = ws.storage.get(addr)
        for (const sl of storageOf.all(a) as string[])
          if (!written?.has(sl as Hex)) recordSlot.run(version, historyKey(a + sl), a, sl, a, sl)
      }
    }
    for (const [addr, slots] of ws.storage) {
      const a = addr.toLowerCase()
      for (const slot of slots.keys()) {
        const sl = normSlot(slot)
        recordSlot.run(version, historyKey(a + sl), a, sl, a, sl)
      }
    }
  }

  /**
   * The account as it was at `version`: `undefined` when it has not changed since (the current value holds),
   * `null` when it did not exist then.
   */
  accountAt(address: Address, version: number): AccountState | null | undefined {
    const a = address.toLowerCase()
    const row = this.st.accountAfter.get(historyKey(a), version, a) as AccountHistoryRow | undefined
    if (!row) return undefined
    return accountOfRow(row)
  }

  /** The slot as it was at `version`: `undefined` when it has not changed since, `null` when it was zero. */
  storageAt(address: Address, slot: Hex, version: number): Hex | null | undefined {
    const a = address.toLowerCase()
    const sl = normSlot(slot)
    const row = this.st.slotAfter.get(historyKey(a + sl), version, a, sl) as
      | { value: string | null }
      | undefined
    if (!row) return undefined
    return row.value as Hex | null
  }

  /** Per key changed after `version`, its value at `version` (what a rewind to `version` restores). */
  changesSince(version: number): StateChangesSince {
    const accountsFrom = this.firstRowAbove('account_history', version)
    const storageFrom = this.firstRowAbove('storage_history', version)
    const accounts = (
      this.db
        .prepare(
          `SELECT address, nonce, balance, code_hash, vm, min(version) FROM account_history
           WHERE rowid >= ? GROUP BY address`,
        )
        .all(accountsFrom) as AccountHistoryRow[]
    ).map((r): [Address, AccountState | null] => [r.address as Address, accountOfRow(r)])
    const storage = (
      this.db
        .prepare(
          `SELECT address, slot, value, min(version) FROM storage_history WHERE rowid >= ? GROUP BY address, slot`,
        )
        .all(storageFrom) as StorageHistoryRow[]
    ).map((r): [Address, Hex, Hex | null] => [r.address as Address, r.slot as Hex, r.value as Hex | null])
    return { accounts, storage }
  }

  /** Deletes every change after `version` (a rewind). */
  deleteSince(version: number): void {
    for (const table of ['account_history', 'storage_history'] as const)
      this.db.prepare(`DELETE FROM ${table} WHERE rowid >= ?`).run(this.firstRowAbove(table, version))
  }

  /**
   * Deletes at most `maxRows` rows per table of changes at or below `version` (oldest first); returns how
   * many it deleted.
   */
  prune(version: number, maxRows: number): number {
    let deleted = 0
    for (const table of ['account_history', 'storage_history'] as const) {
      const bound = this.firstRowAbove(table, version)
      deleted += this.db
        .prepare(
          `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE rowid < ? ORDER BY rowid LIMIT ?)`,
        )
        .run(bound, maxRows).changes
    }
    return deleted
  }

  /**
   * The first rowid of `table` whose version is above `version` (past the last rowid when none): rows are
   * appended in version order, so a binary search over rowids finds it in O(log n) lookups.
   */
  private firstRowAbove(table: 'account_history' | 'storage_history', version: number): number {
    const bounds = this.db.prepare(`SELECT min(rowid) AS lo, max(rowid) AS hi FROM ${table}`).get() as {
      lo: number | null
      hi: number | null
    }
    if (bounds.lo === null || bounds.hi === null) return 1
    const at = this.db.prepare(`SELECT version FROM ${table} WHERE rowid >= ? ORDER BY rowid LIMIT 1`).pluck()
    let lo = bounds.lo
    let hi = bounds.hi + 1
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2)
      const v = at.get(mid) as number | undefined
      if (v === undefined || v > version) hi = mid
      else lo = mid + 1
    }
    return lo
  }
}

/**
 * The history index's key: a 53-bit FNV-1a hash of an address (accounts) or address + slot (storage), in
 * lower-case hex. Two 32-bit FNV-1a passes with different offsets, so it stays a JS number (no BigInt).
 */
export function historyKey(key: string): number {
  let h1 = 0x811c9dc5
  let h2 = 0x01000193 ^ 0x5bd1e995
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h2 >>> 15)
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff)
}

function accountOfRow(row: AccountHistoryRow): AccountState | null {
  if (row.nonce === null || row.balance === null || row.code_hash === null || row.vm === null) return null
  return {
    nonce: BigInt(row.nonce),
    balance: BigInt(row.balance),
    codeHash: row.code_hash as Hex,
    vm: row.vm,
  }
}
