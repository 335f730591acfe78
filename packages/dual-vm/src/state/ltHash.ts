import { createHash } from 'node:crypto'
import type { AccountState } from '@rollup-mesh/core'
import { keccak256 } from '@rollup-mesh/core'
import { type Address, bytesToHex, type Hex, hexToBytes, numberToHex } from 'viem'

/**
 * The state commitment: a lattice (multiset) hash in the style of Solana's
 * accounts LtHash.
 *
 * Every live entry of the state is hashed on its own with SHAKE256 to 2,048
 * bytes, read as 1,024 little-endian u16 lanes; the accumulator is the lane-wise
 * sum (mod 2^16) of all entries' vectors and the root is keccak256 of the
 * accumulator's 2,048 bytes. Because addition commutes and has an inverse, a
 * block updates the accumulator from its write set alone: subtract the old
 * entry's vector, add the new one. Cost: two SHAKE256-2048 (about 9 µs each
 * here) per written account or slot, plus 1,024 lane additions; nothing is
 * proportional to the size of the state.
 *
 * Entries (absent accounts and zero slots have no entry):
 * - account: `0x01 ‖ address(20) ‖ nonce(32) ‖ balance(32) ‖ codeHash(32) ‖ vm(1: 0 evm, 1 wasm)`
 * - storage: `0x02 ‖ address(20) ‖ slot(32) ‖ value(32)`
 * Code is committed through the account's code hash.
 */
export const LT_HASH_LANES = 1024
export const LT_HASH_BYTES = LT_HASH_LANES * 2

const ZERO_SLOT: Hex = `0x${'00'.repeat(32)}`

export type LtHash = Uint16Array

export function createLtHash(): LtHash {
  return new Uint16Array(LT_HASH_LANES)
}

function shakeLanes(entry: Uint8Array): Uint16Array {
  const digest = createHash('shake256', { outputLength: LT_HASH_BYTES }).update(entry).digest()
  // Lanes are little-endian u16; read them explicitly so the result never depends on the host's endianness.
  const lanes = new Uint16Array(LT_HASH_LANES)
  for (let i = 0; i < LT_HASH_LANES; i++) lanes[i] = digest[2 * i]! | (digest[2 * i + 1]! << 8)
  return lanes
}

function writeHex(out: Uint8Array, offset: number, hex: string): void {
  out.set(hexToBytes(hex as Hex), offset)
}

export function accountEntry(address: Address, account: AccountState): Uint8Array {
  const out = new Uint8Array(1 + 20 + 32 * 3 + 1)
  out[0] = 1
  writeHex(out, 1, address)
  writeHex(out, 21, numberToHex(account.nonce, { size: 32 }))
  writeHex(out, 53, numberToHex(account.balance, { size: 32 }))
  writeHex(out, 85, account.codeHash)
  out[117] = account.vm === 'wasm' ? 1 : 0
  return out
}

export function storageEntry(address: Address, slot: Hex, value: Hex): Uint8Array {
  const out = new Uint8Array(1 + 20 + 32 + 32)
  out[0] = 2
  writeHex(out, 1, address)
  writeHex(out, 21, slot)
  writeHex(out, 53, value)
  return out
}

/** Adds (`sign` 1) or removes (`sign` -1) one entry's vector. */
export function mixEntry(acc: LtHash, entry: Uint8Array, sign: 1 | -1): void {
  const lanes = shakeLanes(entry)
  if (sign === 1) for (let i = 0; i < LT_HASH_LANES; i++) acc[i] = acc[i]! + lanes[i]!
  else for (let i = 0; i < LT_HASH_LANES; i++) acc[i] = acc[i]! - lanes[i]!
}

export function mixAccount(
  acc: LtHash,
  address: Address,
  account: AccountState | undefined | null,
  sign: 1 | -1,
) {
  if (account) mixEntry(acc, accountEntry(address, account), sign)
}

export function mixStorage(acc: LtHash, address: Address, slot: Hex, value: Hex, sign: 1 | -1) {
  if (value !== ZERO_SLOT && BigInt(value) !== 0n) mixEntry(acc, storageEntry(address, slot, value), sign)
}

export function ltHashToBytes(acc: LtHash): Uint8Array {
  const out = new Uint8Array(LT_HASH_BYTES)
  for (let i = 0; i < LT_HASH_LANES; i++) {
    out[2 * i] = acc[i]! & 0xff
    out[2 * i + 1] = acc[i]! >>> 8
  }
  return out
}

export function ltHashFromBytes(bytes: Uint8Array): LtHash {
  const acc = createLtHash()
  for (let i = 0; i < LT_HASH_LANES; i++) acc[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8)
  return acc
}

/** The state root: keccak256 of the accumulator's little-endian bytes. */
export function ltHashRoot(acc: LtHash): Hex {
  return keccak256(ltHashToBytes(acc))
}

export function ltHashToHex(acc: LtHash): Hex {
  return bytesToHex(ltHashToBytes(acc))
}
