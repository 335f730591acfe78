import { bytesToHex, type Hex, hexToBytes } from 'viem'
import { InvalidParameterError } from './errors/common.js'
import { keccak256 } from './keccak.js'

/** A 2048-bit logs bloom (Ethereum yellow paper §4.3.1). */
export class LogsBloom {
  readonly bits = new Uint8Array(256)

  /** The bloom of a set of logs (a receipt's `logsBloom`). */
  static ofLogs(logs: readonly { address: Hex; topics: readonly Hex[] }[]): LogsBloom {
    const bloom = new LogsBloom()
    for (const log of logs) bloom.addLog(log.address, log.topics)
    return bloom
  }

  /** Adds one value (an address or a topic) to the bloom. */
  add(value: Uint8Array): void {
    const hash = keccak256(value, 'bytes')
    for (let i = 0; i < 6; i += 2) {
      const bit = ((hash[i]! << 8) | hash[i + 1]!) & 2047
      this.bits[255 - (bit >> 3)]! |= 1 << (bit & 7)
    }
  }

  /** Adds a log's address and topics. Bit positions are cached per value: addresses and event topics repeat. */
  addLog(address: Hex, topics: readonly Hex[]): void {
    this.setBits(bitsOf(address))
    for (const topic of topics) this.setBits(bitsOf(topic))
  }

  private setBits(bits: readonly number[]): void {
    for (const bit of bits) this.bits[255 - (bit >> 3)]! |= 1 << (bit & 7)
  }

  or(other: LogsBloom): void {
    for (let i = 0; i < 256; i++) this.bits[i]! |= other.bits[i]!
  }

  /**
   * ORs in a bloom given as hex (a receipt's `logsBloom`, 0x + 512 digits), without decoding it to bytes
   * first: a transaction's bloom is nearly all zero digits.
   */
  orHex(hex: Hex): void {
    if (hex.length !== 514)
      throw new InvalidParameterError({
        param: 'logsBloom',
        expected: '0x and 512 hex digits (256 bytes)',
        got: hex,
      })
    for (let i = 0; i < 256; i++) {
      const hi = hex.charCodeAt(2 + 2 * i)
      const lo = hex.charCodeAt(3 + 2 * i)
      if (hi === 48 && lo === 48) continue // "00"
      this.bits[i]! |= (nibble(hi) << 4) | nibble(lo)
    }
  }

  /** Whether `value` may be in the bloom (false means certainly not). */
  has(value: Uint8Array): boolean {
    const hash = keccak256(value, 'bytes')
    for (let i = 0; i < 6; i += 2) {
      const bit = ((hash[i]! << 8) | hash[i + 1]!) & 2047
      if ((this.bits[255 - (bit >> 3)]! & (1 << (bit & 7))) === 0) return false
    }
    return true
  }

  toHex(): Hex {
    return bytesToHex(this.bits)
  }
}

/** A hex digit's value ('0'-'9', 'a'-'f', 'A'-'F'). */
function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48
  const lower = code | 32
  if (lower >= 97 && lower <= 102) return lower - 87
  throw new InvalidParameterError({
    param: 'logsBloom',
    expected: 'hex digits only',
    got: String.fromCharCode(code),
  })
}

const CACHE_LIMIT = 65_536
const bitCache = new Map<string, readonly number[]>()

/** The three bloom bit indices of a value given as hex. */
function bitsOf(value: Hex): readonly number[] {
  const key = value.toLowerCase()
  let bits = bitCache.get(key)
  if (!bits) {
    const hash = keccak256(hexToBytes(value), 'bytes')
    bits = [0, 2, 4].map((i) => ((hash[i]! << 8) | hash[i + 1]!) & 2047)
    if (bitCache.size >= CACHE_LIMIT) bitCache.clear()
    bitCache.set(key, bits)
  }
  return bits
}
