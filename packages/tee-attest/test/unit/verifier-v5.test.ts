import { describe, expect, it } from 'vitest'
import {
  type AttestationPolicy,
  createDcapQvlBackend,
  decodeQuote,
  decodeQuoteWithLayout,
  derToPem,
  encodeQuote,
  formatVerificationResult,
  type Quote,
  quoteMeasurement,
  splitPemChain,
  stripQuotePadding,
  type VerifyStatus,
  verifyQuote,
} from '../../src/index.js'
import { flip, loadSample, loadV5Sample, SAMPLE_TIME, V5_SAMPLE_TIME, type V5SampleName } from '../helpers.js'

const STRUCTURAL_CHECKS = [
  'decode',
  'certificates',
  'root',
  'chain',
  'qe-report-signature',
  'attestation-key-binding',
  'quote-signature',
]

/** What dcap-qvl's collateral step says of each real v5 quote (see test/fixtures/dcap/README.md). */
const COLLATERAL_REASON: Record<V5SampleName, RegExp> = {
  tdx_v5: /^dcap-qvl: No matching TCB level found$/,
  tdx_v5_alibaba: /^dcap-qvl: Invalid mr service td$/,
  tdx_v5_automata: /^dcap-qvl: No matching TCB level found$/,
}

function policyFor(quote: Quote, extra: Partial<AttestationPolicy> = {}): AttestationPolicy {
  return {
    allowedMeasurements: [quoteMeasurement(quote)],
    expectedReportData: quote.body.report.reportData,
    now: V5_SAMPLE_TIME,
    ...extra,
  }
}

describe('verifyQuote on real v5 (TDX 1.5) quotes', () => {
  for (const name of Object.keys(COLLATERAL_REASON) as V5SampleName[]) {
    describe(name, () => {
      const { quote, collateral } = loadV5Sample(name)
      const decoded = decodeQuote(quote)
      const backend = createDcapQvlBackend({ collateral })

      it('verifies the PCK chain, QE report, attestation key and the signature over header || descriptor || body', () => {
        const r = verifyQuote(quote, policyFor(decoded))
        expect(r).toMatchObject({
          status: 'collateral-missing',
          simulated: false,
          teeType: 'tdx',
          bodyType: 'tdx15',
          version: 5,
        })
        expect(r.checks).toEqual(STRUCTURAL_CHECKS)
      })

      it('reaches the collateral step and reports what the collateral says, not a parse failure', () => {
        const r = verifyQuote(quote, policyFor(decoded, { collateral: backend }))
        expect(r.status).toBe('collateral-rejected')
        expect(r.checks).toEqual(STRUCTURAL_CHECKS)
        expect(r.reason).toMatch(COLLATERAL_REASON[name])
        expect(formatVerificationResult(r)).toMatch(
          /^collateral-rejected: hardware enclave quote rejected \(/,
        )
        expect(formatVerificationResult(r)).toMatch(/; DCAP v5, TDX 1\.5 TD report body$/)
        // after the collateral's next update the collateral itself is refused (the PCK chain is still valid)
        const later = new Date('2026-06-01T00:00:00Z')
        const stale = verifyQuote(quote, policyFor(decoded, { collateral: backend, now: later }))
        expect(stale.status).toBe('collateral-rejected')
        expect(stale.reason).toBe('dcap-qvl: TCBInfo expired')
      })
    })
  }
})

describe('tampering each part of a real v5 quote', () => {
  const { quote } = loadV5Sample('tdx_v5')
  const { quote: decoded, layout } = decodeQuoteWithLayout(quote)
  const policy = policyFor(decoded)
  const status = (bytes: Uint8Array): VerifyStatus => verifyQuote(bytes, policy).status
  // offsets: header 0..48, descriptor 48..54, body 54..702, signature data length 702, signature 706..770,
  // attestation key 770..834, certification data type 6 header 834..840, QE report 840..1224, its signature
  // 1224..1288, QE auth data size 1288, QE auth data, PCK chain (type 5) after it
  const qeAuthAt = layout.qeReportOffset + 384 + 64 + 2
  const pemAt = qeAuthAt + decoded.signatureData.qeAuthData.length + 6

  it('is laid out where Intel puts the parts', () => {
    expect(layout.signedLength).toBe(702)
    expect(layout.qeReportOffset).toBe(840)
    expect(Buffer.from(quote.subarray(pemAt, pemAt + 27)).toString('latin1')).toBe(
      '-----BEGIN CERTIFICATE-----',
    )
  })

  it('descriptor: unknown body type -> unsupported-quote; wrong body size -> malformed', () => {
    expect(status(flip(quote, 48, 0x04))).toBe('unsupported-quote') // type 3 -> 7
    expect(verifyQuote(flip(quote, 48, 0x04), policy).field).toBe('bodyDescriptor.type')
    expect(status(flip(quote, 50))).toBe('malformed')
    expect(verifyQuote(flip(quote, 50), policy).field).toBe('bodyDescriptor.size')
    expect(status(flip(quote, 48, 0x02))).toBe('malformed') // type 3 -> 1: an SGX body in a TDX quote
  })

  it('body (TD 1.5 fields included) and signature -> quote-signature-invalid', () => {
    for (const at of [54, 54 + 136, 54 + 520, 54 + 584, 54 + 600, 701]) {
      expect(status(flip(quote, at)), `body byte ${at}`).toBe('quote-signature-invalid')
    }
    expect(status(flip(quote, 706))).toBe('quote-signature-invalid')
    expect(status(flip(quote, 769))).toBe('quote-signature-invalid')
  })

  it('the descriptor is signed: the v4 TDX sample re-encoded as v5 keeps its fields but fails the signature', () => {
    const v4 = decodeQuote(stripQuotePadding(loadSample('tdx').quote))
    const v5 = encodeQuote({ ...v4, header: { ...v4.header, version: 5 } })
    const r = verifyQuote(v5, policyFor(v4, { now: SAMPLE_TIME }))
    expect(r.status).toBe('quote-signature-invalid')
    expect(r.bodyType).toBe('tdx')
  })

  it('attestation key, QE report, QE auth data -> their own statuses', () => {
    expect(status(flip(quote, 800))).toBe('attestation-key-mismatch')
    expect(status(flip(quote, layout.qeReportOffset + 100))).toBe('qe-report-signature-invalid')
    expect(status(flip(quote, layout.qeReportOffset + 384 + 10))).toBe('qe-report-signature-invalid')
    expect(status(flip(quote, qeAuthAt + 1))).toBe('attestation-key-mismatch')
  })

  it('certification data: a changed certificate -> certificate-chain-invalid; bad PEM -> certificate-invalid', () => {
    const pem = Buffer.from(quote.subarray(pemAt)).toString('latin1')
    const ders = splitPemChain(pem)
    const leaf = ders[0]!
    const changed = [flip(leaf, Math.floor(leaf.length / 2)), ...ders.slice(1)]
    const rebuilt = Buffer.from(
      `${changed.map(derToPem).join('')}${pem.endsWith('\0') ? '\0' : ''}`,
      'latin1',
    )
    expect(rebuilt.length).toBe(quote.length - pemAt)
    const tampered = quote.slice()
    tampered.set(rebuilt, pemAt)
    expect(status(tampered)).toBe('certificate-chain-invalid')
    const garbled = quote.slice()
    garbled[pemAt + 40] = '!'.charCodeAt(0)
    expect(status(garbled)).toBe('certificate-invalid')
  })

  it('trailing garbage -> malformed, naming the field', () => {
    const r = verifyQuote(Uint8Array.from([...quote, 1]), policy)
    expect(r).toMatchObject({ status: 'malformed', field: 'signatureData' })
  })
})
