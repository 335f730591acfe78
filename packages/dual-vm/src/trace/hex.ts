import { type Hex, numberToHex } from 'viem'

/** A quantity as the trace JSON writes it (`0x` hex, no leading zeros). */
export const quantity = (n: bigint | number): Hex => numberToHex(n)

/** A 32-byte word as `0x`-prefixed, zero-padded hex (storage keys and values). */
export const word = (n: bigint): Hex => `0x${n.toString(16).padStart(64, '0')}`

/** Lower-case `0x` hex of `bytes`. */
export function bytesHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`
}
