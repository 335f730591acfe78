import fc from 'fast-check'
import { bytesToHex, keccak256 as viemKeccak256 } from 'viem'
import { describe, expect, it } from 'vitest'
import { EMPTY_CODE_HASH, keccak256 } from '../../src/index.js'

describe('keccak256 (hash-wasm)', () => {
  it('matches viem for any bytes, as hex and as bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const expected = viemKeccak256(bytes)
        expect(keccak256(bytes)).toBe(expected)
        expect(keccak256(copyOf(bytes), 'bytes')).toEqual(viemKeccak256(bytes, 'bytes'))
        expect(keccak256(bytesToHex(bytes))).toBe(expected)
      }),
      { numRuns: 300 },
    )
  })

  it('EMPTY_CODE_HASH is the hash of empty code', () => {
    expect(EMPTY_CODE_HASH).toBe(viemKeccak256('0x'))
  })

  it('hashes a view of a larger buffer by its own bytes only', () => {
    const buffer = new Uint8Array(96).map((_, i) => i)
    const view = buffer.subarray(16, 80)
    expect(keccak256(view)).toBe(viemKeccak256(view.slice()))
  })

  it('treats strings as viem does: odd-length hex padded, other text as UTF-8', () => {
    expect(keccak256('0x')).toBe('0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470')
    expect(keccak256('0x1')).toBe(viemKeccak256('0x1'))
    expect(keccak256('hello' as `0x${string}`)).toBe(viemKeccak256('hello' as `0x${string}`))
  })

  it('returns a fresh array each time, so a caller cannot change another caller’s digest', () => {
    const a = keccak256(new Uint8Array([1]), 'bytes')
    a[0] = a[0]! ^ 0xff
    expect(keccak256(new Uint8Array([1]), 'bytes')).toEqual(viemKeccak256(new Uint8Array([1]), 'bytes'))
  })
})

function copyOf(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes)
}
