import { describe, expect, it } from 'vitest'
import {
  bytesEqual,
  decodeQuote,
  encodeQuote,
  QUOTE_HEADER_SIZE,
  QuoteFormatError,
  quoteMeasurement,
  SGX_REPORT_BODY_SIZE,
  splitPemChain,
  stripQuotePadding,
  TD_REPORT_BODY_SIZE,
  TEE_TYPE,
  UnsupportedQuoteError,
} from '../../src/index.js'
import { loadSample } from '../helpers.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

describe('DCAP layout constants', () => {
  it('match the Intel SGX ECDSA quote library', () => {
    expect(QUOTE_HEADER_SIZE + SGX_REPORT_BODY_SIZE).toBe(432)
    expect(QUOTE_HEADER_SIZE + TD_REPORT_BODY_SIZE).toBe(632)
    expect(TEE_TYPE.tdx).toBe(0x81)
  })
})

describe('quote codec on real Intel samples', () => {
  it('decodes the SGX v3 sample into its fields', () => {
    const { quote: bytes } = loadSample('sgx')
    const q = decodeQuote(bytes)
    expect(q.header.version).toBe(3)
    expect(q.header.teeType).toBe(TEE_TYPE.sgx)
    expect(q.header.attestationKeyType).toBe(2)
    expect(q.header.qeSvn).toBe(10)
    expect(q.header.pceSvn).toBe(15)
    expect(hex(q.header.qeVendorId)).toBe('939a7233f79c4ca9940a0db3957f0607')
    expect(q.body.type).toBe('sgx')
    if (q.body.type !== 'sgx') return
    expect(hex(q.body.report.mrEnclave)).toBe(
      '33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb',
    )
    expect(Buffer.from(q.body.report.reportData.subarray(0, 13)).toString()).toBe('Hello, world!')
    expect(q.body.report.reportData.subarray(13).every((b) => b === 0)).toBe(true)
    expect(hex(q.body.report.attributes)).toBe('0500000000000000e700000000000000')
    expect(q.signatureData.certificationData.type).toBe(5)
    expect(q.signatureData.qeAuthData.length).toBe(32)
    expect(splitPemChain(q.signatureData.certificationData.data)).toHaveLength(3)
  })

  it('decodes the TDX v4 sample into its fields', () => {
    const { quote: padded } = loadSample('tdx')
    const bytes = stripQuotePadding(padded)
    expect(padded.length - bytes.length).toBe(70)
    const q = decodeQuote(bytes)
    expect(q.header.version).toBe(4)
    expect(q.header.teeType).toBe(TEE_TYPE.tdx)
    expect(q.body.type).toBe('tdx')
    if (q.body.type !== 'tdx') return
    expect(hex(q.body.report.mrTd)).toBe(
      '91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7',
    )
    expect(hex(quoteMeasurement(q))).toBe(hex(q.body.report.mrTd))
    expect(hex(q.body.report.reportData)).toBe(
      '9a9d48e7f6799642d3d1b34e1e5e1742d4bb02dd6ddd551862c1211d35c304f9eca3efdbb481601c163cf52493d6e44aed55d51ec39b7e518fadb92c2b523f20',
    )
    expect(hex(q.body.report.tdAttributes)).toBe('0000001000000000')
    for (const r of [q.body.report.rtmr0, q.body.report.rtmr1, q.body.report.rtmr2, q.body.report.rtmr3]) {
      expect(r).toHaveLength(48)
    }
    expect(q.signatureData.certificationData.type).toBe(5)
  })

  it('keeps the zero padding of the TDX sample an error until it is stripped', () => {
    const { quote } = loadSample('tdx')
    expect(() => decodeQuote(quote)).toThrow(/70 trailing bytes \(quote padded\)/)
    const nonZero = quote.slice()
    nonZero[nonZero.length - 1] = 1
    expect(stripQuotePadding(nonZero)).toBe(nonZero)
    const sgx = loadSample('sgx').quote
    expect(stripQuotePadding(sgx)).toBe(sgx)
  })

  it('re-encodes both samples byte for byte', () => {
    for (const name of ['sgx', 'tdx'] as const) {
      const quote = stripQuotePadding(loadSample(name).quote)
      expect(bytesEqual(encodeQuote(decodeQuote(quote)), quote)).toBe(true)
    }
  })

  it('names the field of a truncated or padded quote', () => {
    const quote = stripQuotePadding(loadSample('tdx').quote)
    const cases: [Uint8Array, RegExp][] = [
      [quote.subarray(0, 0), /header\.version/],
      [quote.subarray(0, 47), /header\.userData/],
      [quote.subarray(0, 100), /body\.mrSeam/],
      [quote.subarray(0, 634), /signatureDataLength/],
      [quote.subarray(0, quote.length - 1), /signatureData/],
      [Uint8Array.from([...quote, 0]), /signatureData/],
    ]
    for (const [bytes, field] of cases) {
      let err: unknown
      try {
        decodeQuote(bytes)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(QuoteFormatError)
      expect((err as QuoteFormatError).field).toMatch(field)
      expect((err as QuoteFormatError).code).toBe('QUOTE_MALFORMED')
    }
    expect(() => decodeQuote(quote.subarray(0, quote.length - 1))).toThrow(/truncated/)
    expect(() => decodeQuote(Uint8Array.from([...quote, 0]))).toThrow(/padded/)
  })

  it('rejects an inner length that does not add up', () => {
    const quote = stripQuotePadding(loadSample('tdx').quote)
    // v4: outer certification data size at 632 + 4 + 64 + 64 + 2
    const bad = quote.slice()
    const view = new DataView(bad.buffer)
    const at = 632 + 4 + 128 + 2
    view.setUint32(at, view.getUint32(at, true) - 1, true)
    expect(() => decodeQuote(bad)).toThrow(QuoteFormatError)
  })

  it('refuses unsupported versions and key types with UnsupportedQuoteError', () => {
    const { quote } = loadSample('sgx')
    const v6 = quote.slice()
    v6[0] = 6
    expect(() => decodeQuote(v6)).toThrow(UnsupportedQuoteError)
    expect(() => decodeQuote(v6)).toThrow(/header\.version/)
    const key = quote.slice()
    key[2] = 3
    expect(() => decodeQuote(key)).toThrow(/attestationKeyType/)
    const tdxV3 = quote.slice()
    tdxV3[4] = 0x81
    expect(() => decodeQuote(tdxV3)).toThrow(UnsupportedQuoteError)
    expect(() => decodeQuote(tdxV3)).toThrow(/header\.version/)
  })
})
