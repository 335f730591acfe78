import { type AccountState, type WriteSet, ZERO_WORD } from '@rollup-mesh/core'
import type Database from 'better-sqlite3'
import type { Address, Hex } from 'viem'
import {
  accountKey,
  ChangeSetBuilder,
  ChangeSetReader,
  changeSetFromHex,
  decodeAccountValue,
  decodeSlotValue,
  slotKey,
} from './changeSet.js'
import type { StateReads } from './stateReads.js'
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

/** Meta key: every change set at or below this version is in `history_index`. */
export const INDEXED_UP_TO_KEY = 'history.indexedUpTo'

/**
 * Values the state had before a block, already in memory (the chain's state cache, which read every key
 * the block wrote while executing and computing the state commitment): `undefined` = not cached, read the
 * store. Its entries must equal the store's committed state.
 */
export type PriorState = {
  peekAccount(address: Address): AccountState | null | undefined
  peekStorage(address: Address, slot: Hex): Hex | undefined
}

/** What the state looked like before every change after a version: per key, its earliest before-value. */
export type StateChangesSince = {
  /** `null`: the account did not exist. */
  accounts: [Address, AccountState | null][]
  /** `null`: the slot was zero. */
  storage: [Address, Hex, Hex | null][]
}

const SQL = {
  insertSet: 'INSERT INTO change_sets (version, data) VALUES (?, ?)',
  setAt: 'SELECT data FROM change_sets WHERE version = ?',
  versionsAfter: 'SELECT version FROM change_sets WHERE version > ? ORDER BY version',
  setsAfter: 'SELECT version, data FROM change_sets WHERE version > ? ORDER BY version',
  nextSet: 'SELECT version, data FROM change_sets WHERE version > ? ORDER BY version LIMIT 1',
  setsAfterDesc: 'SELECT data FROM change_sets WHERE version > ? ORDER BY version DESC',
  setsUpTo: 'SELECT version, data FROM change_sets WHERE version <= ? ORDER BY version LIMIT ?',
  deleteSet: 'DELETE FROM change_sets WHERE version = ?',
  deleteSetsAfter: 'DELETE FROM change_sets WHERE version > ?',
  countAfter: 'SELECT count(*) FROM change_sets WHERE version > ?',
  indexPut: 'INSERT OR REPLACE INTO history_index (key, version, value) VALUES (?, ?, ?)',
  indexDelete: 'DELETE FROM history_index WHERE key = ? AND version = ?',
  indexAfter:
    'SELECT value FROM history_index WHERE key = ? AND version > ? AND version <= ? ORDER BY version LIMIT 1',
  storageOf: 'SELECT slot, value FROM storage WHERE address = ?',
  getMeta: 'SELECT value FROM meta WHERE key = ?',
  setMeta: 'INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)',
} as const
const PLUCKED: ReadonlySet<string> = new Set([
  'setAt',
  'versionsAfter',
  'countAfter',
  'indexAfter',
  'getMeta',
])
/** Decoded change sets kept for reads of the unindexed tail. */
const READER_CACHE = 16
/** A read that would scan more unindexed change sets than this has the index caught up first. */
const MAX_SCAN = 32

/**
 * The chain store's state history, in erigon's stages: each block (or dev write) records ONE change set row
 * (`changeSet.ts`: every key it writes with the value before) inside its own SQLite transaction; the
 * per-key index (`history_index`: key, version → before-value) is built behind the head (`indexNext`, from
 * the store's idle timer), up to `indexedUpTo`. A read of "the first change of this key after version v"
 * looks in the index for versions up to `indexedUpTo`, then scans the few unindexed change sets, so it is
 * right whether or not the indexer has run.
 */
export class StateHistory {
  private readonly st: Record<keyof typeof SQL, Database.Statement>
  private indexed: number
  private readonly readers = new Map<number, ChangeSetReader>()

  /**
   * @param catchUp indexes every change set now (the store's `catchUpHistory`, in its own transaction):
   *   called by a read that finds more than a few change sets unindexed.
   */
  constructor(
    db: Database.Database,
    private readonly reads: StateReads,
    private readonly catchUp: () => void,
  ) {
    const st: Partial<Record<keyof typeof SQL, Database.Statement>> = {}
    for (const [name, sql] of Object.entries(SQL) as [keyof typeof SQL, string][]) {
      const s = db.prepare(sql)
      st[name] = PLUCKED.has(name) ? s.pluck() : s
    }
    this.st = st as Record<keyof typeof SQL, Database.Statement>
    this.indexed = Number(this.st.getMeta.get(INDEXED_UP_TO_KEY) ?? 0)
  }

  /** Every change set at or below this version is indexed. */
  get indexedUpTo(): number {
    return this.indexed
  }

  /** Change sets not indexed yet. */
  backlog(): number {
    return this.st.countAfter.get(this.indexed) as number
  }

  /**
   * Records, as one change set at `version`, the current value of everything `ws` writes (call before
   * applying `ws`, inside its transaction). Values come from `prior` when it holds them, else the store.
   */
  record(version: number, ws: WriteSet, prior?: PriorState): void {
    this.insert(version, this.changeSetOf(ws, prior))
  }

  /**
   * Records a change set encoded before as hex (`changeSetOf`, maybe on another connection that held the
   * same state); `null`: nothing changed, nothing recorded.
   */
  insert(version: number, hex: string | null): void {
    if (hex !== null) this.st.insertSet.run(version, changeSetFromHex(hex))
  }

  /**
   * The change set `record` stores for `ws`, encoded as hex (`null` when `ws` changes nothing): the current
   * value of everything `ws` writes, from `prior` when it holds it, else the store (call before applying
   * `ws`).
   */
  changeSetOf(ws: WriteSet, prior?: PriorState): string | null {
    const set = new ChangeSetBuilder()
    /** Slots a deleted account had (all recorded): a write of the same slot is not recorded twice. */
    let recorded: Set<string> | undefined
    for (const [addr, acc] of ws.accounts) {
      const a = addr.toLowerCase() as Address
      let before = prior?.peekAccount(a)
      if (before === undefined) before = this.reads.readAccount(a) ?? null
      set.account(a.slice(2), before)
      // a deleted account's storage goes with it: every slot's value is recorded
      if (acc === null) {
        recorded ??= new Set()
        for (const row of this.st.storageOf.all(a) as { slot: string; value: Hex }[]) {
          const key = a.slice(2) + row.slot.slice(2).toLowerCase()
          recorded.add(key)
          set.slot(key, row.value === ZERO_WORD ? null : row.value)
        }
      }
    }
    for (const [addr, slots] of ws.storage) {
      const a = addr.toLowerCase() as Address
      const ah = a.slice(2)
      for (const slot of slots.keys()) {
        const sl = slot.length === 66 ? slot : normSlot(slot)
        const key = ah + sl.slice(2)
        if (recorded?.has(key.toLowerCase())) continue
        let before = prior?.peekStorage(a, sl)
        if (before === undefined) before = this.reads.readStorage(a, sl)
        set.slot(key, before === ZERO_WORD ? null : before)
      }
    }
    return set.size > 0 ? set.hex() : null
  }

  /**
   * The account as it was at `version`: `undefined` when it has not changed since (the current value holds),
   * `null` when it did not exist then.
   */
  accountAt(address: Address, version: number): AccountState | null | undefined {
    const a = address.toLowerCase() as Address
    const tail = this.unindexedTail(version)
    const indexed = this.fromIndex(accountKey(a), version)
    if (indexed) return decodeAccountValue(indexed)
    for (const reader of this.readersOf(tail)) {
      const before = reader.account(a)
      if (before !== undefined) return before
    }
    return undefined
  }

  /** The slot as it was at `version`: `undefined` when it has not changed since, `null` when it was zero. */
  storageAt(address: Address, slot: Hex, version: number): Hex | null | undefined {
    const a = address.toLowerCase() as Address
    const sl = normSlot(slot)
    const tail = this.unindexedTail(version)
    const indexed = this.fromIndex(slotKey(a, sl), version)
    if (indexed) return decodeSlotValue(indexed)
    for (const reader of this.readersOf(tail)) {
      const before = reader.storage(a, sl)
      if (before !== undefined) return before
    }
    return undefined
  }

  /** Per key changed after `version`, its value at `version` (what a rewind to `version` restores). */
  changesSince(version: number): StateChangesSince {
    const accounts = new Map<Address, AccountState | null>()
    const storage = new Map<string, [Address, Hex, Hex | null]>()
    // newest first: an older change set's before-value overwrites a newer one's
    for (const data of this.st.setsAfterDesc.iterate(version) as Iterable<{ data: Buffer }>) {
      const r = new ChangeSetReader(data.data)
      for (let i = 0; i < r.accountCount; i++)
        accounts.set(`0x${r.accountKey(i).toString('hex')}`, decodeAccountValue(r.accountValue(i)))
      for (let i = 0; i < r.slotCount; i++) {
        const k = r.slotKey(i).toString('hex')
        storage.set(k, [`0x${k.slice(0, 40)}`, `0x${k.slice(40)}`, decodeSlotValue(r.slotValue(i))])
      }
    }
    return { accounts: [...accounts], storage: [...storage.values()] }
  }

  /** Deletes every change after `version` (a rewind), with its index entries. */
  deleteSince(version: number): void {
    if (this.indexed > version) {
      for (const row of this.st.setsAfter.all(version) as { version: number; data: Buffer }[])
        if (row.version <= this.indexed) this.unindex(row.version, new ChangeSetReader(row.data))
      this.setIndexed(version)
    }
    this.st.deleteSetsAfter.run(version)
    this.readers.clear()
  }

  /** Deletes at most `maxSets` change sets at or below `version` (oldest first); returns how many. */
  prune(version: number, maxSets: number): number {
    const rows = this.st.setsUpTo.all(version, maxSets) as { version: number; data: Buffer }[]
    for (const row of rows) {
      if (row.version <= this.indexed) this.unindex(row.version, new ChangeSetReader(row.data))
      this.st.deleteSet.run(row.version)
      this.readers.delete(row.version)
    }
    return rows.length
  }

  /**
   * Indexes the change sets after `indexedUpTo`, oldest first, until at least `maxEntries` keys are
   * indexed (at least one change set); call inside a transaction. Returns how many change sets it indexed.
   */
  indexNext(maxEntries: number): number {
    let entries = 0
    let sets = 0
    let last = this.indexed
    while (sets === 0 || entries < maxEntries) {
      const row = this.st.nextSet.get(last) as { version: number; data: Buffer } | undefined
      if (!row) break
      const r = new ChangeSetReader(row.data)
      for (let i = 0; i < r.accountCount; i++)
        this.st.indexPut.run(r.accountKey(i), row.version, r.accountValue(i))
      for (let i = 0; i < r.slotCount; i++) this.st.indexPut.run(r.slotKey(i), row.version, r.slotValue(i))
      entries += r.accountCount + r.slotCount
      sets++
      last = row.version
    }
    if (sets > 0) this.setIndexed(last)
    return sets
  }

  private fromIndex(key: Buffer, version: number): Buffer | undefined {
    if (version >= this.indexed) return undefined
    return this.st.indexAfter.get(key, version, this.indexed) as Buffer | undefined
  }

  /** The versions of the unindexed change sets after `version` (the index caught up first when many). */
  private unindexedTail(version: number): number[] {
    const versions = this.st.versionsAfter.all(Math.max(version, this.indexed)) as number[]
    if (versions.length <= MAX_SCAN) return versions
    this.catchUp()
    return this.st.versionsAfter.all(Math.max(version, this.indexed)) as number[]
  }

  /** The change sets of `versions`, oldest first (decoded ones cached). */
  private *readersOf(versions: readonly number[]): Generator<ChangeSetReader> {
    for (const v of versions) {
      let reader = this.readers.get(v)
      if (!reader) {
        const data = this.st.setAt.get(v) as Buffer | undefined
        if (!data) continue
        reader = new ChangeSetReader(data)
        if (this.readers.size >= READER_CACHE) this.readers.delete(this.readers.keys().next().value as number)
        this.readers.set(v, reader)
      }
      yield reader
    }
  }

  private unindex(version: number, r: ChangeSetReader): void {
    for (let i = 0; i < r.accountCount; i++) this.st.indexDelete.run(r.accountKey(i), version)
    for (let i = 0; i < r.slotCount; i++) this.st.indexDelete.run(r.slotKey(i), version)
  }

  private setIndexed(version: number): void {
    this.st.setMeta.run(INDEXED_UP_TO_KEY, String(version))
    this.indexed = version
  }
}
