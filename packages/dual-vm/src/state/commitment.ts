import type { AccountState, StateView, WriteSet } from '@rollup-mesh/core'
import { type Address, type Hex, hexToBytes, numberToHex } from 'viem'
import {
  createLtHash,
  LT_HASH_BYTES,
  type LtHash,
  ltHashFromBytes,
  ltHashRoot,
  ltHashToBytes,
  mixAccount,
  mixStorage,
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
 * Moves `acc` from the state `base` to `base` + `writeSet`: for every written
 * account and slot whose value changed, removes the old entry and adds the new
 * one (a write of the same value leaves the entry, and the sum, as they were).
 * O(write set).
 */
export function applyWriteSetToLtHash(acc: LtHash, base: StateView, writeSet: WriteSet): void {
  for (const [address, account] of writeSet.accounts) {
    if (address === STATE_COMMITMENT_ADDRESS) continue
    const before = base.getAccount(address)
    if (sameAccount(before, account)) continue
    mixAccount(acc, address, before, -1)
    mixAccount(acc, address, account, 1)
  }
  for (const [address, slots] of writeSet.storage) {
    if (address === STATE_COMMITMENT_ADDRESS) continue
    for (const [slot, value] of slots) {
      const before = base.getStorage(address, slot)
      if (before === value) continue
      mixStorage(acc, address, slot, before, -1)
      mixStorage(acc, address, slot, value, 1)
    }
  }
}

function sameAccount(a: AccountState | undefined | null, b: AccountState | undefined | null): boolean {
  if (!a || !b) return !a && !b
  return a.nonce === b.nonce && a.balance === b.balance && a.codeHash === b.codeHash && a.vm === b.vm
}

/**
 * Completes a write set with the new accumulator (its 64 slots under
 * `STATE_COMMITMENT_ADDRESS`) and returns the new state root.
 */
export function commitWriteSet(base: StateView, writeSet: WriteSet): Hex {
  const acc = readStateAccumulator(base)
  applyWriteSetToLtHash(acc, base, writeSet)
  writeSet.storage.set(STATE_COMMITMENT_ADDRESS, stateAccumulatorSlots(acc))
  return ltHashRoot(acc)
}

export { createLtHash }
