import { type Hex, hexToBytes, numberToHex } from 'viem'

/** A quantity as the trace JSON writes it (`0x` hex, no leading zeros). */
export const quantity = (n: bigint | number): Hex => numberToHex(n)

/** A 32-byte word as `0x`-prefixed, zero-padded hex (storage keys and values). */
export const word = (n: bigint): Hex => `0x${n.toString(16).padStart(64, '0')}`

/** Lower-case `0x` hex of `bytes`. */
export function bytesHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`
}

/**
 * `0x` hex to a fresh byte array, decoded by Node's native hex decoder (no substring per byte, as viem's
 * `hexToBytes` and `Number.parseInt` slices allocate). Anything else than `0x` and an even number of hex
 * digits goes to viem's `hexToBytes` (its padding, its error): the native decoder stops at the first
 * non-hex digit, so a short count sends the input there too.
 */
export function hexToByteArray(hex: string): Uint8Array {
  if ((hex.length & 1) !== 0 || hex.charCodeAt(0) !== 48 || (hex.charCodeAt(1) | 32) !== 120)
    return hexToBytes(hex as Hex)
  const length = (hex.length - 2) >>> 1
  if (length === 0) return new Uint8Array(0)
  if (length > SCRATCH_BYTES) {
    const out = new Uint8Array(length)
    if (Buffer.from(out.buffer, 0, length).write(hex.slice(2), 0, length, 'hex') !== length)
      return hexToBytes(hex as Hex)
    return out
  }
  // Short inputs (calldata, addresses) go through one scratch Buffer: no Buffer object per call.
  if (scratch.write(hex.slice(2), 0, length, 'hex') !== length) return hexToBytes(hex as Hex)
  return scratchBytes.slice(0, length)
}

const SCRATCH_BYTES = 4096
const scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES)
const scratchBytes = new Uint8Array(scratch.buffer, scratch.byteOffset, SCRATCH_BYTES)
