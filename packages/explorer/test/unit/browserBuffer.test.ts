import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BrowserBuffer } from '../../src/app/verifier/shims/buffer.js'
import { derChildren, derOid, readDer } from '../../src/app/verifier/shims/der.js'
import { BrowserShimError } from '../../src/app/verifier/shims/shimError.js'

const encodings = ['hex', 'base64', 'base64url', 'latin1', 'utf8'] as const

describe("the browser verifier's Buffer is Node's for what the verifier uses", () => {
  it('toString and from round-trip exactly as Node does, for every encoding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const mine = BrowserBuffer.from(bytes)
        const node = Buffer.from(bytes)
        for (const e of encodings) {
          expect(mine.toString(e)).toBe(node.toString(e))
          expect([...BrowserBuffer.from(node.toString(e), e)]).toEqual([...Buffer.from(node.toString(e), e)])
        }
      }),
    )
  })

  it('concat, compare, equals, of, alloc, subarray', () => {
    const a = BrowserBuffer.of(1, 2, 3)
    const b = BrowserBuffer.from([1, 2, 4])
    expect([...BrowserBuffer.concat([a, b])]).toEqual([1, 2, 3, 1, 2, 4])
    expect(BrowserBuffer.compare(a, b)).toBe(Buffer.compare(Buffer.of(1, 2, 3), Buffer.of(1, 2, 4)))
    expect(BrowserBuffer.compare(b, a)).toBe(1)
    expect(a.equals(BrowserBuffer.of(1, 2, 3))).toBe(true)
    expect([...BrowserBuffer.alloc(3, 7)]).toEqual([7, 7, 7])
    expect(a.subarray(1).toString('hex')).toBe('0203')
    expect(() => BrowserBuffer.from(5 as unknown as string)).toThrow(BrowserShimError)
  })

  it("big-endian integer writes and reads give Node's bytes (chain's receipts root encodes with them)", () => {
    const mine = BrowserBuffer.alloc(15)
    const node = Buffer.alloc(15)
    for (const b of [mine, node]) {
      b.writeUInt8(200, 0)
      b.writeUInt16BE(0xbeef, 1)
      b.writeUInt32BE(0xdeadbeef, 3)
      b.writeBigUInt64BE(2n ** 63n + 5n, 7)
    }
    expect(mine.toString('hex')).toBe(node.toString('hex'))
    expect([mine.readUInt8(0), mine.readUInt16BE(1), mine.readUInt32BE(3), mine.readBigUInt64BE(7)]).toEqual([
      200,
      0xbeef,
      0xdeadbeef,
      2n ** 63n + 5n,
    ])
  })

  it('the DER reader: lengths, OIDs, and a truncated input is a coded error', () => {
    // SEQUENCE { OID 1.2.840.10045.4.3.2 }
    const der = Uint8Array.from([0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02])
    const [oid] = derChildren(readDer(der))
    expect(derOid(oid!)).toBe('1.2.840.10045.4.3.2')
    expect(() => readDer(der.subarray(0, 5))).toThrow(/DER: truncated contents/)
  })
})
