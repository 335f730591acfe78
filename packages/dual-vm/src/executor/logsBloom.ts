import { keccak256 } from '@rollup-mesh/core'

/** Bloom bit positions of addresses and event signatures, three 11-bit indices packed in one number. */
const positions = new Map<string, number>()
const CACHE_LIMIT = 4_096

/**
 * Sets the three bloom bits of one log value (an emitting address or a topic) in a 256-byte bloom, the
 * yellow paper's M3:2048 (`LogsBloom.add`'s bits). `cached`: the value is the kind that repeats (a
 * contract's address, an event signature in topic 0), so its bit positions are kept by hex: two of an
 * ERC20 transfer's four keccaks. Other topics (senders, recipients, amounts) are hashed every time rather
 * than churning the cache.
 */
export function addBloomValue(bits: Uint8Array, value: Uint8Array, hex: string, cached: boolean): void {
  let packed = cached ? positions.get(hex) : undefined
  if (packed === undefined) {
    const hash = keccak256(value, 'bytes')
    packed = (((hash[0] as number) << 8) | (hash[1] as number)) & 2047
    packed += ((((hash[2] as number) << 8) | (hash[3] as number)) & 2047) * 2048
    packed += ((((hash[4] as number) << 8) | (hash[5] as number)) & 2047) * 4_194_304
    if (cached) {
      if (positions.size >= CACHE_LIMIT) positions.clear()
      positions.set(hex, packed)
    }
  }
  for (let i = 0; i < 3; i++) {
    const bit: number = packed % 2048
    packed = (packed - bit) / 2048
    bits[255 - (bit >> 3)] = (bits[255 - (bit >> 3)] as number) | (1 << (bit & 7))
  }
}
