import { OUT_OF_GAS } from './errors.js'

/** Beyond this many bytes the quadratic memory cost exceeds any gas a transaction can hold. */
export const MAX_MEMORY = 0x1_0000_0000
const MAX_MEMORY_BIG = BigInt(MAX_MEMORY)

/** The gas cost of `words` 32-byte words of memory: 3 per word plus words² / 512. */
export function memoryCost(words: number): number {
  return 3 * words + Math.floor((words * words) / 512)
}

/**
 * A frame's byte-addressed memory. `expansionCost(offset, size)` prices growing it to cover a range
 * (0 when nothing grows, or size is 0), `grow` then makes the range addressable; reads of untouched
 * bytes are zero.
 */
export class Memory {
  buf = new Uint8Array(1024)
  private dv = new DataView(this.buf.buffer)
  /** Active size in 32-byte words (MSIZE / 32). */
  words = 0

  /** Back to empty (a reused frame's memory): zeroes what was active, drops a buffer grown past 64 KiB. */
  reset(): void {
    if (this.buf.length > 0x10000) {
      this.buf = new Uint8Array(1024)
      this.dv = new DataView(this.buf.buffer)
    } else if (this.words > 0) this.buf.fill(0, 0, this.words * 32)
    this.words = 0
  }

  /**
   * The gas to extend memory to cover [offset, offset+size) and the new word count, or the out-of-gas
   * halt for ranges no gas can pay for. Offsets and sizes are the stack's BigInts.
   */
  expansionCost(offset: bigint, size: bigint): number {
    if (size === 0n) return 0
    const end = offset + size
    if (end > MAX_MEMORY_BIG) throw OUT_OF_GAS
    const words = Math.ceil(Number(end) / 32)
    if (words <= this.words) return 0
    return memoryCost(words) - memoryCost(this.words)
  }

  /** Marks [offset, offset+size) active (after its cost was paid). */
  grow(offset: number, size: number): void {
    if (size === 0) return
    const words = Math.ceil((offset + size) / 32)
    if (words <= this.words) return
    const bytes = words * 32
    if (bytes > this.buf.length) {
      let capacity = this.buf.length
      while (capacity < bytes) capacity *= 2
      const next = new Uint8Array(capacity)
      next.set(this.buf)
      this.buf = next
      this.dv = new DataView(next.buffer)
    }
    this.words = words
  }

  /** A copy of [offset, offset+size) (the range must be active or size 0). */
  read(offset: number, size: number): Uint8Array {
    if (size === 0) return new Uint8Array(0)
    return this.buf.slice(offset, offset + size)
  }

  /** A view of [offset, offset+size), valid until the next write or growth. */
  view(offset: number, size: number): Uint8Array {
    return this.buf.subarray(offset, offset + size)
  }

  write(offset: number, data: Uint8Array): void {
    this.buf.set(data, offset)
  }

  /** Writes `size` bytes at `offset` from `data` starting at `from`, zero-filling past its end. */
  writePadded(offset: number, data: Uint8Array, from: number, size: number): void {
    if (size === 0) return
    const available = from >= data.length ? 0 : Math.min(size, data.length - from)
    if (available > 0) this.buf.set(data.subarray(from, from + available), offset)
    if (available < size) this.buf.fill(0, offset + available, offset + size)
  }

  /** MSTORE: the 32-byte big-endian word `value` at `offset`. */
  writeWord(offset: number, value: bigint): void {
    // setBigUint64 keeps the low 64 bits of what it is given.
    const dv = this.dv
    if (value <= MAX_U64) {
      // Offsets, lengths, flags, selectors: no shifted BigInt to allocate.
      dv.setUint32(offset, 0)
      dv.setUint32(offset + 4, 0)
      dv.setUint32(offset + 8, 0)
      dv.setUint32(offset + 12, 0)
      dv.setUint32(offset + 16, 0)
      dv.setUint32(offset + 20, 0)
      dv.setBigUint64(offset + 24, value)
      return
    }
    dv.setBigUint64(offset, value >> 192n)
    dv.setBigUint64(offset + 8, value >> 128n)
    dv.setBigUint64(offset + 16, value >> 64n)
    dv.setBigUint64(offset + 24, value)
  }

  /** MLOAD: the 32-byte big-endian word at `offset`. */
  readWord(offset: number): bigint {
    const dv = this.dv
    if (
      (dv.getUint32(offset) |
        dv.getUint32(offset + 4) |
        dv.getUint32(offset + 8) |
        dv.getUint32(offset + 12) |
        dv.getUint32(offset + 16) |
        dv.getUint32(offset + 20)) ===
      0
    )
      return dv.getBigUint64(offset + 24)
    return (
      (dv.getBigUint64(offset) << 192n) |
      (dv.getBigUint64(offset + 8) << 128n) |
      (dv.getBigUint64(offset + 16) << 64n) |
      dv.getBigUint64(offset + 24)
    )
  }
}

const MAX_U64 = (1n << 64n) - 1n

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** `length` big-endian bytes of `bytes` from `offset` as an unsigned BigInt. */
export function bytesToBigInt(bytes: Uint8Array, offset: number, length: number): bigint {
  if (length <= 6) {
    let n = 0
    for (let i = offset; i < offset + length; i++) n = n * 256 + (bytes[i] ?? 0)
    return BigInt(n)
  }
  if (offset + length > bytes.length) {
    let hex = '0x'
    for (let i = offset; i < offset + length; i++) hex += HEX[bytes[i] ?? 0]
    return BigInt(hex)
  }
  // Buffer's native hex (one string) rather than a string per byte: CALLDATALOAD and wide PUSHes.
  return BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset + offset, length).toString('hex')}`)
}

/** `value` as `length` big-endian bytes (the low bytes when it is wider). */
export function bigIntToBytes(value: bigint, length = 32): Uint8Array {
  if (length === 32) {
    const word = new Uint8Array(32)
    const dv = new DataView(word.buffer)
    dv.setBigUint64(0, value >> 192n)
    dv.setBigUint64(8, value >> 128n)
    dv.setBigUint64(16, value >> 64n)
    dv.setBigUint64(24, value)
    return word
  }
  const out = new Uint8Array(length)
  let v = value
  for (let i = length - 1; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}
