import fc from 'fast-check'
import { bytesToHex, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { LogsBloom } from '../../src/index.js'

const bloomOf = (bytes: Uint8Array) => {
  const b = new LogsBloom()
  b.bits.set(bytes)
  return b
}

describe('LogsBloom.orHex', () => {
  it('is the OR of the bytes the hex spells, in either case', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 256, maxLength: 256 }),
        fc.uint8Array({ minLength: 256, maxLength: 256 }),
        fc.boolean(),
        (a, b, upper) => {
          const viaBytes = bloomOf(a)
          viaBytes.or(bloomOf(b))
          const viaHex = bloomOf(a)
          const hex = bytesToHex(b)
          viaHex.orHex((upper ? `0x${hex.slice(2).toUpperCase()}` : hex) as Hex)
          expect(viaHex.bits).toEqual(viaBytes.bits)
        },
      ),
    )
  })

  it('refuses what is not a 256-byte bloom in hex', () => {
    const b = new LogsBloom()
    expect(() => b.orHex('0x00')).toThrow(expect.objectContaining({ code: 'PARAMETER_INVALID' }))
    expect(() => b.orHex('0x00')).toThrow(/256 bytes/)
    expect(() => b.orHex(`0x${'0g'.repeat(256)}`)).toThrow(
      expect.objectContaining({
        code: 'PARAMETER_INVALID',
        metaMessages: expect.arrayContaining(['- Got "g".']),
      }),
    )
  })
})
