import { BrowserShimError } from './shimError.js'

type Encoding = 'hex' | 'base64' | 'base64url' | 'latin1' | 'binary' | 'utf8' | 'utf-8'

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    s += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!
    s += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '='
    s += i + 2 < bytes.length ? B64[n & 63]! : '='
  }
  return s
}

function fromBase64(text: string): Uint8Array {
  const clean = text.replace(/[\s=]/g, '').replaceAll('-', '+').replaceAll('_', '/')
  const out: number[] = []
  let acc = 0
  let bits = 0
  for (const ch of clean) {
    const v = B64.indexOf(ch)
    if (v < 0) break // Node stops at the first character outside the alphabet
    acc = (acc << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out.push((acc >> bits) & 255)
    }
  }
  return Uint8Array.from(out)
}

/**
 * The subset of Node's `Buffer` that the verifier's packages use (`from` with hex/base64/base64url/latin1/
 * utf8, `of`, `alloc`, `concat`, `compare`, `isBuffer`, `toString`, `equals`, big-endian integer reads and
 * writes), as a `Uint8Array` subclass.
 * Installed as `globalThis.Buffer` by `globals.ts` before the verifier's modules load.
 */
export class BrowserBuffer extends Uint8Array {
  static override from(value: unknown, encoding?: unknown, _length?: unknown): BrowserBuffer {
    if (typeof value === 'string') return BrowserBuffer.fromString(value, (encoding ?? 'utf8') as Encoding)
    if (value instanceof ArrayBuffer)
      return new BrowserBuffer(value, (encoding as number) ?? 0, _length as number | undefined)
    if (ArrayBuffer.isView(value))
      return new BrowserBuffer(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))
    if (Array.isArray(value)) return new BrowserBuffer(value as number[])
    throw new BrowserShimError(`Buffer.from: unsupported input ${typeof value}`, 'BROWSER_BUFFER')
  }
  private static fromString(text: string, encoding: Encoding): BrowserBuffer {
    switch (encoding) {
      case 'hex': {
        const even = text.length - (text.length % 2)
        const out = new BrowserBuffer(even / 2)
        for (let i = 0; i < out.length; i++) {
          const byte = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16)
          if (Number.isNaN(byte)) return out.subarray(0, i) as BrowserBuffer
          out[i] = byte
        }
        return out
      }
      case 'base64':
      case 'base64url':
        return new BrowserBuffer(fromBase64(text))
      case 'latin1':
      case 'binary':
        return new BrowserBuffer(Array.from(text, (c) => c.charCodeAt(0) & 255))
      default:
        return new BrowserBuffer(new TextEncoder().encode(text))
    }
  }
  static override of(...items: number[]): BrowserBuffer {
    return new BrowserBuffer(items)
  }
  static alloc(size: number, fill = 0): BrowserBuffer {
    return new BrowserBuffer(size).fill(fill) as BrowserBuffer
  }
  static isBuffer(value: unknown): boolean {
    return value instanceof BrowserBuffer
  }
  static concat(list: readonly Uint8Array[], total?: number): BrowserBuffer {
    const out = new BrowserBuffer(total ?? list.reduce((n, b) => n + b.length, 0))
    let at = 0
    for (const b of list) {
      out.set(b.subarray(0, out.length - at), at)
      at += b.length
      if (at >= out.length) break
    }
    return out
  }
  static compare(a: Uint8Array, b: Uint8Array): number {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
  }
  private view(): DataView {
    return new DataView(this.buffer, this.byteOffset, this.byteLength)
  }
  writeUInt8(value: number, offset = 0): number {
    this.view().setUint8(offset, value)
    return offset + 1
  }
  writeUInt16BE(value: number, offset = 0): number {
    this.view().setUint16(offset, value)
    return offset + 2
  }
  writeUInt32BE(value: number, offset = 0): number {
    this.view().setUint32(offset, value)
    return offset + 4
  }
  writeBigUInt64BE(value: bigint, offset = 0): number {
    this.view().setBigUint64(offset, value)
    return offset + 8
  }
  readUInt8(offset = 0): number {
    return this.view().getUint8(offset)
  }
  readUInt16BE(offset = 0): number {
    return this.view().getUint16(offset)
  }
  readUInt32BE(offset = 0): number {
    return this.view().getUint32(offset)
  }
  readBigUInt64BE(offset = 0): bigint {
    return this.view().getBigUint64(offset)
  }
  equals(other: Uint8Array): boolean {
    return BrowserBuffer.compare(this, other) === 0
  }
  override subarray(start?: number, end?: number): BrowserBuffer {
    const v = super.subarray(start, end)
    return new BrowserBuffer(v.buffer, v.byteOffset, v.length)
  }
  override toString(encoding: Encoding = 'utf8'): string {
    switch (encoding) {
      case 'hex':
        return Array.from(this, (b) => b.toString(16).padStart(2, '0')).join('')
      case 'base64':
        return toBase64(this)
      case 'base64url':
        return toBase64(this).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
      case 'latin1':
      case 'binary':
        return Array.from(this, (b) => String.fromCharCode(b)).join('')
      default:
        return new TextDecoder().decode(this)
    }
  }
}
