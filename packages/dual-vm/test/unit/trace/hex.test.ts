import fc from 'fast-check'
import { bytesToHex, hexToBytes } from 'viem'
import { describe, expect, it } from 'vitest'
import { hexToByteArray } from '../../../src/trace/hex.js'

describe('hexToByteArray (native decoder, viem for the rest)', () => {
  it('decodes as viem does, short and long, upper and lower case, into a fresh array each time', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 6000 }), fc.boolean(), (bytes, upper) => {
        const hex = bytesToHex(bytes)
        const input = upper ? `0x${hex.slice(2).toUpperCase()}` : hex
        const out = hexToByteArray(input)
        expect(out).toEqual(hexToBytes(hex))
        expect(out).not.toBe(hexToByteArray(input))
        expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype)
      }),
      { numRuns: 200 },
    )
    // A result is not a view of a shared buffer: decoding again leaves the first one as it was.
    const first = hexToByteArray('0x0102')
    hexToByteArray('0xffff')
    expect([...first]).toEqual([1, 2])
  })

  it('leaves bad hex and odd lengths to viem: its padding and its error', () => {
    expect(hexToByteArray('0x123')).toEqual(hexToBytes('0x123'))
    expect(() => hexToByteArray('0x12zz')).toThrow(hexToBytesError('0x12zz'))
    expect(() => hexToByteArray('0xzz12')).toThrow(hexToBytesError('0xzz12'))
    expect(hexToByteArray('0x')).toEqual(new Uint8Array(0))
  })
})

function hexToBytesError(hex: string): string {
  try {
    hexToBytes(hex as `0x${string}`)
  } catch (error) {
    return (error as Error).message.split('\n')[0] as string
  }
  return 'no error'
}
