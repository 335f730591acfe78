import { describe, expect, it } from 'vitest'
import {
  bytesEqual,
  createSimulatedEnclave,
  decodeQuote,
  encodeQuote,
  QUOTE_BODY_DESCRIPTOR_SIZE,
  QUOTE_BODY_TYPE,
  type Quote,
  QuoteFormatError,
  quoteBodyType,
  quoteMeasurement,
  splitPemChain,
  stripQuotePadding,
  TD15_REPORT_BODY_SIZE,
  type Td15ReportBody,
  TEE_TYPE,
  UnsupportedQuoteError,
} from '../../src/index.js'
import { loadSample, loadV5Sample, type V5SampleName, withTempDir } from '../helpers.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** Intel's TDX 1.5 TD report body (TDX DCAP Quote Generation Library, quote v5): field, offset, size. */
const TD15_LAYOUT: [keyof Td15ReportBody, number, number][] = [
  ['teeTcbSvn', 0, 16],
  ['mrSeam', 16, 48],
  ['mrSignerSeam', 64, 48],
  ['seamAttributes', 112, 8],
  ['tdAttributes', 120, 8],
  ['xfam', 128, 8],
  ['mrTd', 136, 48],
  ['mrConfigId', 184, 48],
  ['mrOwner', 232, 48],
  ['mrOwnerConfig', 280, 48],
  ['rtmr0', 328, 48],
  ['rtmr1', 376, 48],
  ['rtmr2', 424, 48],
  ['rtmr3', 472, 48],
  ['reportData', 520, 64],
  ['teeTcbSvn2', 584, 16],
  ['mrServiceTd', 600, 48],
]
const BODY_AT = 48 + QUOTE_BODY_DESCRIPTOR_SIZE

/** What each real v5 sample carries (read with a hex viewer at Intel's offsets, not with this codec). */
const EXPECTED: Record<V5SampleName, { mrTd: string; teeTcbSvn2: string; mrServiceTdZero: boolean }> = {
  tdx_v5: {
    mrTd: '273828c46252fcbdd8ad2dd907130222b03466d52a2911d70c1a5950895d6bd1ae451d382d5a9b1b4c0ed0e5ae9a3dbd',
    teeTcbSvn2: '0d010300000000000000000000000000',
    mrServiceTdZero: true,
  },
  tdx_v5_alibaba: {
    mrTd: '157768a71a6a31f5561978c4cde665809d22976ef5dead2952839b7b3ea23b6c2931c9148fe1d117c99faefac18bb73b',
    teeTcbSvn2: '05010200000000000000000000000000',
    mrServiceTdZero: false,
  },
  tdx_v5_automata: {
    mrTd: 'dfba221b48a22af8511542ee796603f37382800840dcd978703909bf8e64d4c8a1e9de86e7c9638bfcba422f3886400a',
    teeTcbSvn2: '05010200000000000000000000000000',
    mrServiceTdZero: false,
  },
}

function errorOf(fn: () => unknown): (QuoteFormatError | UnsupportedQuoteError) & { field: string } {
  try {
    fn()
  } catch (err) {
    if (err instanceof QuoteFormatError || err instanceof UnsupportedQuoteError) return err
    throw err
  }
  throw new QuoteFormatError({ field: 'test', expected: 'an error', got: 'none' })
}

function setU16(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const out = bytes.slice()
  new DataView(out.buffer).setUint16(at, value, true)
  return out
}

function setU32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const out = bytes.slice()
  new DataView(out.buffer).setUint32(at, value, true)
  return out
}

describe('quote codec on real v5 (TDX 1.5) quotes', () => {
  for (const name of Object.keys(EXPECTED) as V5SampleName[]) {
    it(`${name}: decodes header, descriptor and TD 1.5 body at Intel's offsets and re-encodes byte for byte`, () => {
      const { quote: bytes } = loadV5Sample(name)
      const view = new DataView(bytes.buffer, bytes.byteOffset)
      expect(view.getUint16(48, true)).toBe(QUOTE_BODY_TYPE.td15)
      expect(view.getUint32(50, true)).toBe(TD15_REPORT_BODY_SIZE)
      const q = decodeQuote(bytes)
      expect(q.header).toMatchObject({ version: 5, attestationKeyType: 2, teeType: TEE_TYPE.tdx })
      expect(hex(q.header.qeVendorId)).toBe('939a7233f79c4ca9940a0db3957f0607')
      expect(q.body.type).toBe('tdx15')
      if (q.body.type !== 'tdx15') return
      expect(quoteBodyType(q.body.type)).toBe(3)
      for (const [field, offset, size] of TD15_LAYOUT) {
        const raw = bytes.subarray(BODY_AT + offset, BODY_AT + offset + size)
        expect(hex(q.body.report[field]), field).toBe(hex(raw))
      }
      expect(hex(q.body.report.mrTd)).toBe(EXPECTED[name].mrTd)
      expect(hex(quoteMeasurement(q))).toBe(EXPECTED[name].mrTd)
      expect(hex(q.body.report.teeTcbSvn2)).toBe(EXPECTED[name].teeTcbSvn2)
      expect(q.body.report.mrServiceTd.every((b) => b === 0)).toBe(EXPECTED[name].mrServiceTdZero)
      // signature data: v4's nested layout (certification data type 6 around the QE report and PCK chain)
      expect(view.getUint32(BODY_AT + TD15_REPORT_BODY_SIZE, true)).toBe(
        bytes.length - (BODY_AT + TD15_REPORT_BODY_SIZE + 4),
      )
      expect(q.signatureData.certificationData.type).toBe(5)
      expect(splitPemChain(q.signatureData.certificationData.data)).toHaveLength(3)
      expect(bytesEqual(encodeQuote(q), bytes)).toBe(true)
      expect(stripQuotePadding(bytes)).toBe(bytes)
    })
  }

  it('strips zero padding after a v5 quote (the descriptor gives the body length)', () => {
    const { quote } = loadV5Sample('tdx_v5')
    const padded = Uint8Array.from([...quote, ...new Uint8Array(70)])
    expect(errorOf(() => decodeQuote(padded)).field).toBe('signatureData')
    expect(bytesEqual(stripQuotePadding(padded), quote)).toBe(true)
  })
})

describe('quote codec: all three v5 body types', () => {
  it('round-trips an SGX body (type 1), a TDX 1.0 body (type 2) and a TDX 1.5 body (type 3)', async () => {
    const tmp = await withTempDir()
    try {
      const enclave = await createSimulatedEnclave({
        dataDir: tmp.dir,
        measurement: new Uint8Array(32).fill(5),
      })
      const sgx = enclave.quote(new Uint8Array(64))
      const td10v4 = decodeQuote(stripQuotePadding(loadSample('tdx').quote))
      const td10: Quote = { ...td10v4, header: { ...td10v4.header, version: 5 } }
      const td10Bytes = encodeQuote(td10)
      const td15Bytes = loadV5Sample('tdx_v5').quote
      for (const [bytes, type, kind] of [
        [sgx, 1, 'sgx'],
        [td10Bytes, 2, 'tdx'],
        [td15Bytes, 3, 'tdx15'],
      ] as const) {
        const q = decodeQuote(bytes)
        expect(q.header.version).toBe(5)
        expect(q.body.type).toBe(kind)
        expect(new DataView(bytes.buffer, bytes.byteOffset).getUint16(48, true)).toBe(type)
        expect(bytesEqual(encodeQuote(q), bytes)).toBe(true)
      }
      // the v4 -> v5 change only inserts the descriptor (type 2, size 584)
      const v4Bytes = encodeQuote(td10v4)
      expect(td10Bytes.length).toBe(v4Bytes.length + 6)
      expect(hex(td10Bytes.subarray(48, 54))).toBe('020048020000')
      expect(bytesEqual(td10Bytes.subarray(54), v4Bytes.subarray(48))).toBe(true)
      expect(decodeQuote(td10Bytes).body).toEqual(td10v4.body)
    } finally {
      await tmp.cleanup()
    }
  })
})

describe('quote codec: v5 strictness', () => {
  const quote = loadV5Sample('tdx_v5').quote

  it('refuses an unknown body type, naming bodyDescriptor.type (QUOTE_UNSUPPORTED)', () => {
    for (const type of [0, 4, 0xffff]) {
      const err = errorOf(() => decodeQuote(setU16(quote, 48, type)))
      expect(err).toBeInstanceOf(UnsupportedQuoteError)
      expect(err.code).toBe('QUOTE_UNSUPPORTED')
      expect(err.field).toBe('bodyDescriptor.type')
    }
  })

  it('refuses a body type that contradicts the TEE type, naming bodyDescriptor.type', () => {
    const err = errorOf(() => decodeQuote(setU16(quote, 48, QUOTE_BODY_TYPE.sgx)))
    expect(err).toBeInstanceOf(QuoteFormatError)
    expect(err.field).toBe('bodyDescriptor.type')
    expect(err.message).toMatch(/TDX 1\.0 TD report\) or 3/)
  })

  it('refuses a body size other than the body type has, naming bodyDescriptor.size', () => {
    for (const size of [0, 584, 647, 649, 0xffffffff]) {
      const err = errorOf(() => decodeQuote(setU32(quote, 50, size)))
      expect(err).toBeInstanceOf(QuoteFormatError)
      expect(err.field).toBe('bodyDescriptor.size')
    }
    // a TDX 1.0 type with the TDX 1.5 size
    expect(errorOf(() => decodeQuote(setU16(quote, 48, QUOTE_BODY_TYPE.td10))).field).toBe(
      'bodyDescriptor.size',
    )
  })

  it('names the field of a quote truncated in the descriptor or body, and refuses trailing garbage', () => {
    expect(errorOf(() => decodeQuote(quote.subarray(0, 49))).field).toBe('bodyDescriptor.type')
    expect(errorOf(() => decodeQuote(quote.subarray(0, 53))).field).toBe('bodyDescriptor.size')
    expect(errorOf(() => decodeQuote(quote.subarray(0, 54 + 600))).field).toBe('body.mrServiceTd')
    expect(errorOf(() => decodeQuote(quote.subarray(0, 54 + 648 + 2))).field).toBe('signatureDataLength')
    const garbage = errorOf(() => decodeQuote(Uint8Array.from([...quote, 0xde, 0xad])))
    expect(garbage.field).toBe('signatureData')
    expect(garbage.message).toMatch(/malformed/)
  })

  it('refuses to encode a TDX 1.5 body in a v4 quote, or an SGX body under a TDX header', () => {
    const q = decodeQuote(quote)
    expect(errorOf(() => encodeQuote({ ...q, header: { ...q.header, version: 4 } })).field).toBe('body')
    expect(errorOf(() => encodeQuote({ ...q, header: { ...q.header, teeType: TEE_TYPE.sgx } })).field).toBe(
      'body',
    )
  })
})
