import { type Hex, hexToBytes, numberToHex } from 'viem'

/** A quantity as the trace JSON writes it (`0x` hex, no leading zeros). */
export const quantity = (n: bigint | number): Hex => numberToHex(n)

/** A 32-byte word as `0x`-prefixed, zero-padded hex (storage keys and values). */
export const word = (n: bigint): Hex => `0x${n.toString(16).padStart(64, '0')}`

/** Lower-case `0x` hex of `bytes`. */
export function bytesHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`
}

/** A hex digit's value by character code (-1: not a hex digit). */
const NIBBLE = (() => {
  const t = new Int8Array(128).fill(-1)
  for (let i = 0; i < 10; i++) t[48 + i] = i
  for (let i = 0; i < 6; i++) {
    t[97 + i] = 10 + i
    t[65 + i] = 10 + i
  }
  return t
})()

/**
 * `0x` hex to a fresh byte array without a substring per byte (viem's `hexToBytes` and `Number.parseInt`
 * slices allocate one each). Anything else than `0x` and an even number of hex digits goes to viem's
 * `hexToBytes` (its padding, its error).
 */
export function hexToByteArray(hex: string): Uint8Array {
  if ((hex.length & 1) !== 0 || hex.charCodeAt(0) !== 48 || (hex.charCodeAt(1) | 32) !== 120)
    return hexToBytes(hex as Hex)
  const out = new Uint8Array((hex.length - 2) >>> 1)
  for (let i = 0, j = 2; i < out.length; i++, j += 2) {
    const hi = NIBBLE[hex.charCodeAt(j)] ?? -1
    const lo = NIBBLE[hex.charCodeAt(j + 1)] ?? -1
    if (hi < 0 || lo < 0) return hexToBytes(hex as Hex)
    out[i] = (hi << 4) | lo
  }
  return out
}
