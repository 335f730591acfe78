import { QuoteFormatError } from '../errors.js'

/** A little-endian writer over a growing list of chunks. */
export class Writer {
  private chunks: Uint8Array[] = []
  private length = 0
  bytes(b: Uint8Array, size: number, field: string): this {
    if (b.length !== size) {
      throw new QuoteFormatError({ field, expected: `${size} bytes`, got: `${b.length} bytes` })
    }
    this.chunks.push(b)
    this.length += b.length
    return this
  }
  raw(b: Uint8Array): this {
    this.chunks.push(b)
    this.length += b.length
    return this
  }
  uint(value: number, size: 2 | 4, field: string): this {
    const max = size === 2 ? 0xffff : 0xffffffff
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new QuoteFormatError({
        field,
        expected: `an unsigned ${size * 8}-bit integer`,
        got: String(value),
      })
    }
    const b = new Uint8Array(size)
    for (let i = 0; i < size; i++) b[i] = (value >>> (8 * i)) & 0xff
    return this.raw(b)
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.length)
    let o = 0
    for (const c of this.chunks) {
      out.set(c, o)
      o += c.length
    }
    return out
  }
}
