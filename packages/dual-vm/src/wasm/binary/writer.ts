/** A byte writer for the WebAssembly binary format (LEB128 integers), used to emit instrumented and reset-carrying modules. */
export class Writer {
  private chunks: number[] = []
  byte(b: number): this {
    this.chunks.push(b)
    return this
  }
  bytes(bs: ArrayLike<number>): this {
    for (let i = 0; i < bs.length; i++) this.chunks.push(bs[i]!)
    return this
  }
  u32(v: number): this {
    do {
      let b = v & 0x7f
      v >>>= 7
      if (v !== 0) b |= 0x80
      this.chunks.push(b)
    } while (v !== 0)
    return this
  }
  s64(v: bigint): this {
    for (;;) {
      const b = Number(v & 0x7fn)
      v >>= 7n
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
        this.chunks.push(b)
        return this
      }
      this.chunks.push(b | 0x80)
    }
  }
  s32(v: number): this {
    return this.s64(BigInt(v))
  }
  get length(): number {
    return this.chunks.length
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.chunks)
  }
}
