import { QuoteFormatError } from '../errors.js'

/** A bounds-checked little-endian reader whose errors name the field being read. */
export class Reader {
  offset: number
  constructor(
    readonly bytes: Uint8Array,
    readonly end: number = bytes.length,
    start = 0,
  ) {
    this.offset = start
  }
  remaining(): number {
    return this.end - this.offset
  }
  take(size: number, field: string): Uint8Array {
    if (this.remaining() < size) {
      throw new QuoteFormatError({
        field,
        expected: `${size} bytes at offset ${this.offset}`,
        got: `${Math.max(0, this.remaining())} bytes (quote truncated)`,
      })
    }
    const out = this.bytes.slice(this.offset, this.offset + size)
    this.offset += size
    return out
  }
  u16(field: string): number {
    const b = this.take(2, field)
    return b[0]! | (b[1]! << 8)
  }
  u32(field: string): number {
    const b = this.take(4, field)
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0
  }
}
