import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AttestationPolicy,
  assertQuoteVerified,
  createDcapQvlBackend,
  createSimulatedEnclave,
  decodeQuote,
  derToPem,
  encodeQuote,
  formatVerificationResult,
  INTEL_SGX_ROOT_CA_DER,
  QuoteVerificationError,
  quoteMeasurement,
  reportDataForSettlement,
  type SimulatedEnclave,
  splitPemChain,
  stripQuotePadding,
  type VerifyStatus,
  verifyQuote,
} from '../../src/index.js'
import { flip, loadSample, SAMPLE_TIME, withTempDir } from '../helpers.js'

const measurement = new Uint8Array(32).fill(0x11)
const settlementA = reportDataForSettlement('0xaaaa')
const settlementB = reportDataForSettlement('0xbbbb')

// Offsets inside a simulated SGX v4 quote; a v5 quote has the 6-byte body descriptor at 48 and every later
// part 6 bytes further on.
const offsets = (version: 4 | 5) => {
  const d = version === 5 ? 6 : 0
  const at = (a: number, b: number) => [a + d, b + d] as const
  return {
    HEADER: [0, 48] as const,
    DESCRIPTOR: [48, 48 + d] as const,
    BODY: at(48, 432),
    SIG_LENGTH: 432 + d,
    SIG: at(436, 500),
    AK: at(500, 564),
    QE_REPORT: at(570, 954),
    QE_SIG: at(954, 1018),
    QE_AUTH: at(1020, 1052),
    CERT_DATA: 1058 + d,
  }
}

for (const version of [5, 4] as const) {
  const { HEADER, DESCRIPTOR, BODY, SIG_LENGTH, SIG, AK, QE_REPORT, QE_SIG, QE_AUTH, CERT_DATA } =
    offsets(version)
  describe(`verifyQuote on simulated quotes (v${version})`, () => {
    let tmp: Awaited<ReturnType<typeof withTempDir>>
    let enclave: SimulatedEnclave
    let stranger: SimulatedEnclave
    let debugEnclave: SimulatedEnclave
    let local: AttestationPolicy
    let quote: Uint8Array

    beforeAll(async () => {
      tmp = await withTempDir()
      enclave = await createSimulatedEnclave({ dataDir: `${tmp.dir}/a`, measurement, quoteVersion: version })
      stranger = await createSimulatedEnclave({ dataDir: `${tmp.dir}/b`, measurement, quoteVersion: version })
      debugEnclave = await createSimulatedEnclave({
        dataDir: `${tmp.dir}/a`,
        measurement,
        debug: true,
        quoteVersion: version,
      })
      local = {
        allowSimulated: true,
        simulatedRoots: [enclave.rootCertificatePem],
        allowedMeasurements: [measurement],
        expectedReportData: settlementA,
      }
      quote = enclave.quote(settlementA)
    })
    afterAll(() => tmp.cleanup())

    const status = (bytes: Uint8Array, policy: Partial<AttestationPolicy> = {}): VerifyStatus =>
      verifyQuote(bytes, { ...local, ...policy }).status

    it('accepts a fresh quote as ok-simulated under the local-mesh policy', () => {
      const r = verifyQuote(quote, local)
      expect(r).toMatchObject({ status: 'ok-simulated', ok: true, simulated: true, teeType: 'sgx', version })
      expect(r.bodyType).toBe('sgx')
      expect(r.checks).toEqual([
        'decode',
        'certificates',
        'root',
        'chain',
        'qe-report-signature',
        'attestation-key-binding',
        'quote-signature',
        'measurement',
        'report-data',
      ])
      expect(formatVerificationResult(r)).toBe(
        `ok-simulated: simulated enclave quote verified; DCAP v${version}, SGX report body`,
      )
      expect(() => assertQuoteVerified(r)).not.toThrow()
    })

    it('refuses a simulated quote under a production policy (Intel root only)', () => {
      const production: AttestationPolicy = {
        allowedMeasurements: [measurement],
        expectedReportData: settlementA,
      }
      const r = verifyQuote(quote, production)
      expect(r.status).toBe('simulated-not-allowed')
      expect(r.simulated).toBe(true)
      expect(formatVerificationResult(r)).toMatch(/simulated enclave quote rejected/)
      expect(() => assertQuoteVerified(r)).toThrow(QuoteVerificationError)
      // Listing the dev root does not help unless simulated enclaves are allowed explicitly.
      expect(status(quote, { allowSimulated: false })).toBe('simulated-not-allowed')
    })

    it('refuses a quote from another dev root (wrong root)', () => {
      expect(status(stranger.quote(settlementA))).toBe('untrusted-root')
      expect(status(quote, { simulatedRoots: [stranger.rootCertificateDer] })).toBe('untrusted-root')
      expect(status(quote, { simulatedRoots: [], trustedRoots: [INTEL_SGX_ROOT_CA_DER] })).toBe(
        'untrusted-root',
      )
    })

    it('refuses a wrong measurement and report data for another settlement', () => {
      expect(status(quote, { allowedMeasurements: [new Uint8Array(32).fill(0x12)] })).toBe(
        'measurement-not-allowed',
      )
      expect(status(quote, { allowedMeasurements: [] })).toBe('measurement-not-allowed')
      expect(status(enclave.quote(settlementB))).toBe('report-data-mismatch')
      expect(status(quote, { expectedReportData: settlementB })).toBe('report-data-mismatch')
    })

    it('refuses debug enclaves unless the policy allows them', () => {
      const dbg = debugEnclave.quote(settlementA)
      expect(status(dbg)).toBe('debug-enclave')
      expect(status(dbg, { allowDebug: true })).toBe('ok-simulated')
    })

    it('fails a flipped byte anywhere in header, descriptor, body, signature, QE report and key with its specific status', () => {
      const expectRegion = (range: readonly [number, number], expected: (offset: number) => VerifyStatus) => {
        for (let i = range[0]; i < range[1]; i++) {
          const got = status(flip(quote, i))
          if (got !== expected(i)) throw new Error(`byte ${i}: got ${got}, expected ${expected(i)}`)
        }
      }
      // v5 -> 4 at byte 0 reads the descriptor as body: the lengths no longer add up.
      expectRegion(HEADER, (i) =>
        i === 0 && version === 5 ? 'malformed' : i < 8 ? 'unsupported-quote' : 'quote-signature-invalid',
      )
      // descriptor: body type 1 -> 0 or 257 is unknown; any other body size is malformed
      expectRegion(DESCRIPTOR, (i) => (i < 50 ? 'unsupported-quote' : 'malformed'))
      expectRegion(BODY, () => 'quote-signature-invalid')
      expectRegion(SIG, () => 'quote-signature-invalid')
      expectRegion(AK, () => 'attestation-key-mismatch')
      expectRegion(QE_REPORT, () => 'qe-report-signature-invalid')
      expectRegion(QE_SIG, () => 'qe-report-signature-invalid')
      expectRegion(QE_AUTH, () => 'attestation-key-mismatch')
    })

    it('fails a flipped byte in a certificate', () => {
      const pemStart = CERT_DATA
      const text = Buffer.from(quote.subarray(pemStart)).toString('latin1')
      const ders = splitPemChain(text)
      const tamperCert = (index: number, derOffset: number): Uint8Array => {
        const changed = ders.map((d, i) => (i === index ? flip(d, derOffset) : d))
        const pem = Buffer.from(`${changed.map(derToPem).join('')}\0`, 'latin1')
        expect(pem.length).toBe(quote.length - pemStart)
        const out = quote.slice()
        out.set(pem, pemStart)
        return out
      }
      // A byte inside the to-be-signed part (the subject public key near the end of the TBS) of each certificate.
      for (const [index, expected] of [
        [0, 'certificate-chain-invalid'],
        [1, 'certificate-chain-invalid'],
        [2, 'untrusted-root'],
      ] as const) {
        const der = ders[index]!
        expect(status(tamperCert(index, Math.floor(der.length / 2)))).toBe(expected)
      }
      // A byte of the leaf's signature value.
      expect(status(tamperCert(0, ders[0]!.length - 5))).toBe('certificate-chain-invalid')
      // Garbage in the PEM text.
      const garbled = quote.slice()
      garbled[pemStart + 40] = '!'.charCodeAt(0)
      expect(status(garbled)).toBe('certificate-invalid')
      // Same certificates, other whitespace: refused, so a quote has one encoding only.
      const newline = quote.indexOf(0x0a, pemStart + 30)
      expect(status(flip(quote, newline, 0x01))).toBe('certificate-invalid') // LF -> VT
      const crlf = Buffer.from(quote.subarray(pemStart)).toString('latin1').replaceAll('\n', '\r\n')
      const reencoded = encodeQuote({
        ...decodeQuote(quote),
        signatureData: {
          ...decodeQuote(quote).signatureData,
          certificationData: { type: 5, data: new Uint8Array(Buffer.from(crlf, 'latin1')) },
        },
      })
      expect(status(reencoded)).toBe('certificate-invalid')
    })

    it('fails truncated and padded quotes as malformed, naming the field', () => {
      for (const len of [0, 47, 100, 433, 600, 1100, quote.length - 1]) {
        const r = verifyQuote(quote.subarray(0, len), local)
        expect(r.status, `length ${len}`).toBe('malformed')
        expect(r.field).toBeTruthy()
      }
      const padded = verifyQuote(Uint8Array.from([...quote, 0]), local)
      expect(padded).toMatchObject({ status: 'malformed', field: 'signatureData' })
      expect(padded.reason).toMatch(/padded/)
      expect(status(flip(quote, SIG_LENGTH + 1))).toBe('malformed') // signature data length
    })

    it('checks certificate validity at the policy time', () => {
      expect(status(quote, { now: new Date('2000-01-01T00:00:00Z') })).toBe('certificate-expired')
      expect(status(quote, { now: new Date('2100-01-01T00:00:00Z') })).toBe('certificate-expired')
    })

    it('fails closed on a broken policy or a non-bytes quote', () => {
      expect(status(quote, { expectedReportData: new Uint8Array(32) })).toBe('invalid-policy')
      expect(status(quote, { simulatedRoots: ['not a pem'] })).toBe('invalid-policy')
      expect(verifyQuote('0x00' as unknown as Uint8Array, local).status).toBe('malformed')
    })
  })
}

describe('verifyQuote on real Intel DCAP samples', () => {
  for (const name of ['sgx', 'tdx'] as const) {
    describe(`${name} sample`, () => {
      const { quote: raw, collateral } = loadSample(name)
      const quote = stripQuotePadding(raw)
      const decoded = decodeQuote(quote)
      const policy: AttestationPolicy = {
        allowedMeasurements: [quoteMeasurement(decoded)],
        expectedReportData: decoded.body.report.reportData,
        collateral: createDcapQvlBackend({ collateral }),
        now: SAMPLE_TIME,
      }

      it('verifies to the Intel SGX root CA with its collateral: ok', () => {
        const r = verifyQuote(quote, policy)
        expect(r.reason).toBeUndefined()
        expect(r).toMatchObject({ status: 'ok', ok: true, simulated: false, teeType: name })
        expect(r.checks).toContain('chain')
        expect(r.checks).toContain('collateral')
        expect(r.tcbStatus).toBe(name === 'sgx' ? 'ConfigurationAndSWHardeningNeeded' : 'UpToDate')
        // a TCB that is not up to date is a status with its advisories, not a failure
        expect(r.advisoryIds).toEqual(name === 'sgx' ? ['INTEL-SA-00289', 'INTEL-SA-00615'] : [])
        expect(formatVerificationResult(r)).toMatch(/^ok: hardware enclave quote verified/)
      })

      it('verifies its chain and signatures, then fails closed without collateral', () => {
        const r = verifyQuote(quote, { ...policy, collateral: undefined })
        expect(r.status).toBe('collateral-missing')
        expect(r.checks).toEqual([
          'decode',
          'certificates',
          'root',
          'chain',
          'qe-report-signature',
          'attestation-key-binding',
          'quote-signature',
        ])
      })

      it('fails tampering, a wrong root, stale collateral and a foreign policy', () => {
        expect(verifyQuote(flip(quote, 100), policy).status).toBe('quote-signature-invalid')
        expect(verifyQuote(raw, policy).status).toBe(name === 'tdx' ? 'malformed' : 'ok')
        expect(verifyQuote(quote, { ...policy, trustedRoots: [] }).status).toBe('untrusted-root')
        expect(verifyQuote(quote, { ...policy, now: new Date('2025-09-01T00:00:00Z') }).status).toBe(
          'collateral-rejected',
        )
        expect(verifyQuote(quote, { ...policy, allowedMeasurements: [new Uint8Array(32)] }).status).toBe(
          'measurement-not-allowed',
        )
        expect(verifyQuote(quote, { ...policy, expectedReportData: new Uint8Array(64) }).status).toBe(
          'report-data-mismatch',
        )
      })
    })
  }
})
