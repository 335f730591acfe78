import { bytesToHex, type Hex, hexToBytes, keccak256 } from 'viem'

/** A 2048-bit logs bloom (Ethereum yellow paper §4.3.1). */
export class LogsBloom {
  readonly bits = new Uint8Array(256)

  /** Adds one value (an address or a topic) to the bloom. */
  add(value: Uint8Array): void {
    const hash = keccak256(value, 'bytes')
    for (let i = 0; i < 6; i += 2) {
      const bit = ((hash[i]! << 8) | hash[i + 1]!) & 2047
      this.bits[255 - (bit >> 3)]! |= 1 << (bit & 7)
    }
  }

  addLog(address: Hex, topics: readonly Hex[]): void {
    this.add(hexToBytes(address))
    for (const topic of topics) this.add(hexToBytes(topic))
  }

  or(other: LogsBloom): void {
    for (let i = 0; i < 256; i++) this.bits[i]! |= other.bits[i]!
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
