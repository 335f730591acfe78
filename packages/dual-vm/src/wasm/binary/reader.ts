import { WasmValidationError } from '../errors.js'
import { floatOpName } from './floatOpcodes.js'
import { SECTION_NAMES, SECTION_ORDER, type Section } from './format.js'

/**
 * A strict reader of the WebAssembly binary format: LEB128 integers, names,
 * limits, constant expressions and the section list. Every malformed byte
 * throws `WasmValidationError` with its offset.
 */

export class Reader {
  pos: number
  constructor(
    readonly bytes: Uint8Array,
    pos = 0,
    readonly end = bytes.length,
  ) {
    this.pos = pos
  }

  fail(problem: string, at = this.pos): never {
    throw new WasmValidationError(problem, { offset: at })
  }

  byte(): number {
    if (this.pos >= this.end) this.fail('unexpected end of data')
    return this.bytes[this.pos++]!
  }

  u32(): number {
    let result = 0
    let shift = 0
    for (let i = 0; i < 5; i++) {
      const b = this.byte()
      if (i === 4 && b > 0x0f) this.fail('LEB128 u32 out of range', this.pos - 1)
      result |= (b & 0x7f) << shift
      if ((b & 0x80) === 0) return result >>> 0
      shift += 7
    }
    this.fail('LEB128 u32 too long')
  }

  /** Skips a signed LEB128 of at most `maxBytes` bytes. */
  skipLeb(maxBytes: number): void {
    for (let i = 0; i < maxBytes; i++) if ((this.byte() & 0x80) === 0) return
    this.fail('LEB128 integer too long')
  }

  skip(n: number): void {
    if (this.pos + n > this.end) this.fail('unexpected end of data')
    this.pos += n
  }

  name(): string {
    const len = this.u32()
    const start = this.pos
    this.skip(len)
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(start, start + len))
    } catch {
      this.fail('name is not valid UTF-8', start)
    }
  }
}

/** Reads a constant expression (global init, segment offset) and returns its end. */
export function skipConstExpr(r: Reader, where: string): void {
  for (;;) {
    const at = r.pos
    const op = r.byte()
    if (op === 0x0b) return
    if (op === 0x41) r.skipLeb(5)
    else if (op === 0x42) r.skipLeb(10)
    else if (op === 0x23 || op === 0xd2) r.u32()
    else if (op === 0xd0) r.byte()
    else if (op === 0x43 || op === 0x44) r.fail(`${where} uses ${floatOpName(op)}`, at)
    else r.fail(`${where} has unsupported constant instruction 0x${op.toString(16)}`, at)
  }
}

export function readLimits(r: Reader): { initial: number; maximum: number | undefined } {
  const at = r.pos
  const flags = r.byte()
  if (flags > 1) r.fail(`unsupported limits flags 0x${flags.toString(16)} (shared or 64-bit memory)`, at)
  const initial = r.u32()
  const maximum = flags === 1 ? r.u32() : undefined
  return { initial, maximum }
}

export function readSections(bytes: Uint8Array): Section[] {
  if (bytes.length < 8)
    throw new WasmValidationError('module is shorter than its 8-byte header', { offset: 0 })
  const magic = [0x00, 0x61, 0x73, 0x6d]
  if (!magic.every((b, i) => bytes[i] === b))
    throw new WasmValidationError('missing \\0asm magic', { offset: 0 })
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new WasmValidationError('unsupported WASM version (expected 1)', { offset: 4 })
  }
  const r: Reader = new Reader(bytes, 8)
  const sections: Section[] = []
  let lastOrder = 0
  while (r.pos < r.end) {
    const start = r.pos
    const id = r.byte()
    if (id > 12) r.fail(`unknown section id ${id}`, start)
    const size = r.u32()
    const contentStart = r.pos
    r.skip(size)
    if (id !== 0) {
      const order = SECTION_ORDER[id]!
      if (order <= lastOrder) r.fail(`${SECTION_NAMES[id]} section out of order or repeated`, start)
      lastOrder = order
    }
    sections.push({ id, start, contentStart, end: r.pos })
  }
  return sections
}
