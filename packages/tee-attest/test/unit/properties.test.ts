import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createSimulatedEnclave,
  decodeQuote,
  encodeQuote,
  type Quote,
  QuoteFormatError,
  reportDataForSettlement,
  type SgxReportBody,
  type SimulatedEnclave,
  type Td15ReportBody,
  type TdReportBody,
  verifyQuote,
} from '../../src/index.js'
import { withTempDir } from '../helpers.js'

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n })
const u16 = fc.integer({ min: 0, max: 0xffff })

const sgxReport: fc.Arbitrary<SgxReportBody> = fc.record({
  cpuSvn: bytes(16),
  miscSelect: fc.integer({ min: 0, max: 0xffffffff }),
  reserved1: bytes(28),
  attributes: bytes(16),
  mrEnclave: bytes(32),
  reserved2: bytes(32),
  mrSigner: bytes(32),
  reserved3: bytes(96),
  isvProdId: u16,
  isvSvn: u16,
  reserved4: bytes(60),
  reportData: bytes(64),
})

const tdReport: fc.Arbitrary<TdReportBody> = fc.record({
  teeTcbSvn: bytes(16),
  mrSeam: bytes(48),
  mrSignerSeam: bytes(48),
  seamAttributes: bytes(8),
  tdAttributes: bytes(8),
  xfam: bytes(8),
  mrTd: bytes(48),
  mrConfigId: bytes(48),
  mrOwner: bytes(48),
  mrOwnerConfig: bytes(48),
  rtmr0: bytes(48),
  rtmr1: bytes(48),
  rtmr2: bytes(48),
  rtmr3: bytes(48),
  reportData: bytes(64),
})

const td15Report: fc.Arbitrary<Td15ReportBody> = fc
  .record({ base: tdReport, teeTcbSvn2: bytes(16), mrServiceTd: bytes(48) })
  .map(({ base, ...extra }) => ({ ...base, ...extra }))

type Kind = 'sgx3' | 'sgx4' | 'tdx4' | 'sgx5' | 'tdx5' | 'tdx15'
const VERSION: Record<Kind, number> = { sgx3: 3, sgx4: 4, tdx4: 4, sgx5: 5, tdx5: 5, tdx15: 5 }

const quoteArb: fc.Arbitrary<Quote> = fc
  .record({
    kind: fc.constantFrom<Kind>('sgx3', 'sgx4', 'tdx4', 'sgx5', 'tdx5', 'tdx15'),
    qeSvn: u16,
    pceSvn: u16,
    qeVendorId: bytes(16),
    userData: bytes(20),
    sgx: sgxReport,
    td: tdReport,
    td15: td15Report,
    qeReport: sgxReport,
    signature: bytes(64),
    attestationKey: bytes(64),
    qeReportSignature: bytes(64),
    qeAuthData: fc.uint8Array({ maxLength: 80 }),
    certType: u16,
    certData: fc.uint8Array({ maxLength: 300 }),
  })
  .map((r) => ({
    header: {
      version: VERSION[r.kind],
      attestationKeyType: 2,
      teeType: r.kind.startsWith('tdx') ? 0x81 : 0,
      qeSvn: r.qeSvn,
      pceSvn: r.pceSvn,
      qeVendorId: r.qeVendorId,
      userData: r.userData,
    },
    body:
      r.kind === 'tdx15'
        ? { type: 'tdx15' as const, report: r.td15 }
        : r.kind.startsWith('tdx')
          ? { type: 'tdx' as const, report: r.td }
          : { type: 'sgx' as const, report: r.sgx },
    signatureData: {
      signature: r.signature,
      attestationKey: r.attestationKey,
      qeReport: r.qeReport,
      qeReportSignature: r.qeReportSignature,
      qeAuthData: r.qeAuthData,
      certificationData: { type: r.certType, data: r.certData },
    },
  }))

describe('codec properties', () => {
  it('decode(encode(q)) = q and encode(decode(b)) = b for SGX v3/v4/v5 and TDX v4/v5 (1.0 and 1.5 bodies)', () => {
    fc.assert(
      fc.property(quoteArb, (q) => {
        const b = encodeQuote(q)
        const back = decodeQuote(b)
        expect(back).toEqual(q)
        expect(Buffer.from(encodeQuote(back)).equals(Buffer.from(b))).toBe(true)
      }),
      { numRuns: 200 },
    )
  })

  it('every strict prefix and every padded form is a QuoteFormatError', () => {
    fc.assert(
      fc.property(quoteArb, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }), (q, cut, extra) => {
        const b = encodeQuote(q)
        expect(() => decodeQuote(b.subarray(0, cut % b.length))).toThrow(QuoteFormatError)
        expect(() => decodeQuote(Uint8Array.from([...b, ...extra]))).toThrow(QuoteFormatError)
      }),
      { numRuns: 150 },
    )
  })
})

describe('verifier property', () => {
  let tmp: Awaited<ReturnType<typeof withTempDir>>
  let enclave: SimulatedEnclave
  beforeAll(async () => {
    tmp = await withTempDir()
    enclave = await createSimulatedEnclave({ dataDir: tmp.dir, measurement: new Uint8Array(32).fill(3) })
  })
  afterAll(() => tmp.cleanup())
  /** A fresh quote of the enclave for `settlement`, and the policy that accepts exactly it. */
  const quoteAndPolicy = (settlement: `0x${string}`) => {
    const reportData = reportDataForSettlement(settlement)
    const policy = {
      allowSimulated: true,
      simulatedRoots: [enclave.rootCertificateDer],
      allowedMeasurements: [enclave.measurement],
      expectedReportData: reportData,
    }
    return { quote: enclave.quote(reportData), policy }
  }

  it('fails closed on any changed byte of a simulated (v5) quote, certificates included', () => {
    expect(enclave.quoteVersion).toBe(5)
    const { quote, policy } = quoteAndPolicy('0x77')
    expect(verifyQuote(quote, policy).status).toBe('ok-simulated')
    fc.assert(
      fc.property(fc.nat({ max: quote.length - 1 }), fc.integer({ min: 1, max: 255 }), (offset, mask) => {
        const bad = quote.slice()
        bad[offset]! ^= mask
        const r = verifyQuote(bad, policy)
        expect(r.ok).toBe(false)
        expect(r.status).not.toBe('verifier-error')
      }),
      { numRuns: 400 },
    )
  })

  it('fails closed when a PEM pad `=` becomes a letter (one byte after a certificate DER, found by the property)', () => {
    const { quote, policy } = quoteAndPolicy('0x78')
    // the '=' pads of the PEM chain (the certification data is the quote's last part)
    const pem = Buffer.from(quote).indexOf('-----BEGIN CERTIFICATE-----')
    const pads = [...quote.keys()].filter((i) => i > pem && quote[i] === 0x3d && quote[i + 1] === 0x0a)
    expect(pads.length).toBeGreaterThan(0)
    for (const at of pads) {
      const bad = quote.slice()
      bad[at] = 0x79 // 'y': still canonical base64, one more byte of DER
      const r = verifyQuote(bad, policy)
      expect(r.ok, `pad at ${at}`).toBe(false)
      expect(r.status).toBe('certificate-invalid')
    }
  })
})
