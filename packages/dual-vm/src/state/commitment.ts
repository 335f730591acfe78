import {
  type AccountState,
  InvalidParameterError,
  type StateView,
  type WriteSet,
  ZERO_WORD,
} from '@rollup-mesh/core'
import { type Address, type Hex, hexToBytes, numberToHex } from 'viem'
import { sameAccount } from './journal.js'
import {
  ACCOUNT_ENTRY_BYTES,
  addLtHash,
  createLtHash,
  LT_HASH_BYTES,
  type LtHash,
  ltHashFromBytes,
  ltHashRoot,
  ltHashToBytes,
  mixEntry,
  STORAGE_ENTRY_BYTES,
  writeAccountEntry,
  writeStorageEntry,
} from './ltHash.js'

/**
 * Where the LtHash accumulator lives: 64 storage slots (0..63, 32 bytes each)
 * of a reserved account with no code. Keeping it in ordinary storage means any
 * `StateView` (in memory or the node's SQLite store) persists it with the
 * block's write set and no extra column. Its own slots are left out of the hash.
 * No contract can write them: only an account's own code writes its storage.
 */
export const STATE_COMMITMENT_ADDRESS: Address = '0x00000000000000000000000000000000004c7448'
export const STATE_COMMITMENT_SLOTS = LT_HASH_BYTES / 32

const slotKeys: readonly Hex[] = Array.from({ length: STATE_COMMITMENT_SLOTS }, (_, i) =>
  numberToHex(i, { size: 32 }),
)

export function readStateAccumulator(state: StateView): LtHash {
  const bytes = new Uint8Array(LT_HASH_BYTES)
  for (let i = 0; i < STATE_COMMITMENT_SLOTS; i++) {
    bytes.set(hexToBytes(state.getStorage(STATE_COMMITMENT_ADDRESS, slotKeys[i] as Hex)), i * 32)
  }
  return ltHashFromBytes(bytes)
}

/** The accumulator as the 64 storage writes that persist it. */
export function stateAccumulatorSlots(acc: LtHash): Map<Hex, Hex> {
  const bytes = ltHashToBytes(acc)
  const slots = new Map<Hex, Hex>()
  for (let i = 0; i < STATE_COMMITMENT_SLOTS; i++) {
    let hex = '0x'
    for (let j = i * 32; j < i * 32 + 32; j++) hex += (bytes[j] as number).toString(16).padStart(2, '0')
    slots.set(slotKeys[i] as Hex, hex as Hex)
  }
  return slots
}

/** The state root of a committed state (keccak256 of its accumulator). */
export function stateRootOf(state: StateView): Hex {
  return ltHashRoot(readStateAccumulator(state))
}

/**
 * What a write set changes in the commitment: the entries to add (new values)
 * and to remove (old values), each list packed back to back (an entry's first
 * byte gives its kind and so its length). Accounts and slots written back
 * unchanged are left out. Hashing the entries is the expensive part and any
 * thread can do it (`ltHashOfChanges`), in pieces (`splitChanges`).
 */
export type LtHashChanges = { add: Uint8Array; remove: Uint8Array }

export function ltHashChanges(base: StateView, writeSet: WriteSet): LtHashChanges {
  const add = new PackedEntries()
  const remove = new PackedEntries()
  for (const [address, account] of writeSet.accounts) {
    if (address === STATE_COMMITMENT_ADDRESS) continue
    const before = base.getAccount(address)
    if (sameAccount(before, account)) continue
    if (before) remove.account(address, before)
    if (account) add.account(address, account)
  }
  for (const [address, slots] of writeSet.storage) {
    if (address === STATE_COMMITMENT_ADDRESS) continue
    for (const [slot, value] of slots) {
      const before = base.getStorage(address, slot)
      if (before === value) continue
      if (isLive(before)) remove.storage(address, slot, before)
      if (isLive(value)) add.storage(address, slot, value)
    }
  }
  return { add: add.bytes(), remove: remove.bytes() }
}

/** Entries written back to back into one growing buffer (no allocation per entry). */
class PackedEntries {
  private buffer = Buffer.alloc(64 * ACCOUNT_ENTRY_BYTES)
  private length = 0

  account(address: Address, account: AccountState): void {
    writeAccountEntry(this.reserve(ACCOUNT_ENTRY_BYTES), this.length - ACCOUNT_ENTRY_BYTES, address, account)
  }

  storage(address: Address, slot: Hex, value: Hex): void {
    writeStorageEntry(
      this.reserve(STORAGE_ENTRY_BYTES),
      this.length - STORAGE_ENTRY_BYTES,
      address,
      slot,
      value,
    )
  }

  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length)
  }

  /** Room for `n` more bytes (zero-filled); returns the buffer to write into. */
  private reserve(n: number): Buffer {
    if (this.length + n > this.buffer.length) {
      const bigger = Buffer.alloc(Math.max(2 * this.buffer.length, this.length + n))
      this.buffer.copy(bigger, 0, 0, this.length)
      this.buffer = bigger
    }
    this.length += n
    return this.buffer
  }
}

/** Σ added entries − Σ removed entries, from a zero accumulator. */
export function ltHashOfChanges(changes: LtHashChanges): LtHash {
  const sum = createLtHash()
  for (const entry of entriesOf(changes.add)) mixEntry(sum, entry, 1)
  for (const entry of entriesOf(changes.remove)) mixEntry(sum, entry, -1)
  return sum
}

/** Splits the changes into at most `parts` pieces of about equal work (whole entries). */
export function splitChanges(changes: LtHashChanges, parts: number): LtHashChanges[] {
  const add = chunks(changes.add, parts)
  const remove = chunks(changes.remove, parts)
  return add.map((a, i) => ({ add: a, remove: remove[i] as Uint8Array }))
}

/** How many entries the changes hold. */
export function changeCount(changes: LtHashChanges): number {
  return offsetsOf(changes.add).length + offsetsOf(changes.remove).length
}

/**
 * Moves `acc` from the state `base` to `base` + `writeSet`: for every written
 * account and slot whose value changed, removes the old entry and adds the new
 * one (a write of the same value leaves the entry, and the sum, as they were).
 * O(write set).
 */
export function applyWriteSetToLtHash(acc: LtHash, base: StateView, writeSet: WriteSet): void {
  addLtHash(acc, ltHashOfChanges(ltHashChanges(base, writeSet)))
}

/**
 * Completes a write set with the new accumulator (its 64 slots under
 * `STATE_COMMITMENT_ADDRESS`) and returns the new state root.
 */
export function commitWriteSet(base: StateView, writeSet: WriteSet): Hex {
  return commitWriteSetDelta(base, writeSet, ltHashOfChanges(ltHashChanges(base, writeSet)))
}

/** `commitWriteSet` with the changes' sum already computed (e.g. by worker threads). */
export function commitWriteSetDelta(base: StateView, writeSet: WriteSet, delta: LtHash): Hex {
  const acc = readStateAccumulator(base)
  addLtHash(acc, delta)
  writeSet.storage.set(STATE_COMMITMENT_ADDRESS, stateAccumulatorSlots(acc))
  return ltHashRoot(acc)
}

/** A slot value with an entry (zero slots have none). */
function isLive(value: Hex): boolean {
  return value !== ZERO_WORD && BigInt(value) !== 0n
}

/** Start offsets of the packed entries. */
function offsetsOf(packed: Uint8Array): number[] {
  const offsets: number[] = []
  for (let at = 0; at < packed.length; ) {
    offsets.push(at)
    const kind = packed[at]
    if (kind === 1) at += ACCOUNT_ENTRY_BYTES
    else if (kind === 2) at += STORAGE_ENTRY_BYTES
    else
      throw new InvalidParameterError({
        param: 'packed LtHash entries',
        expected: `entry kind 1 (account) or 2 (storage) at byte ${at}`,
        got: kind,
      })
  }
  return offsets
}

function* entriesOf(packed: Uint8Array): Generator<Uint8Array> {
  const offsets = offsetsOf(packed)
  for (let i = 0; i < offsets.length; i++)
    yield packed.subarray(offsets[i], i + 1 < offsets.length ? offsets[i + 1] : packed.length)
}

function chunks(packed: Uint8Array, parts: number): Uint8Array[] {
  const offsets = offsetsOf(packed)
  const per = Math.ceil(offsets.length / parts)
  return Array.from({ length: parts }, (_, i) => {
    const from = offsets[i * per] ?? packed.length
    const to = offsets[(i + 1) * per] ?? packed.length
    return packed.slice(from, to)
  })
}

export { createLtHash }
