import { bytesToHex, type Hex, hexToBytes } from 'viem'

/* 32-byte words as the WASM host ABI passes them (storage keys and values, balances). */

/** The unsigned integer a big-endian byte string holds (0 for none). */
export function bigintFromBytes(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(bytesToHex(b))
}

/** `v` as a 32-byte big-endian word. */
export function bigintToWord(v: bigint): Uint8Array {
  return hexToBytes(`0x${v.toString(16).padStart(64, '0')}` as Hex)
}

/** Whether every byte is zero. */
export function isZeroWord(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false
  return true
}

/** Byte-wise equality. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
