import { QuoteFormatError, UnsupportedQuoteError } from '../errors.js'
import { CERT_DATA_TYPE, ECDSA_PUBLIC_KEY_SIZE, ECDSA_SIGNATURE_SIZE } from '../layout.js'
import { readQuoteBody } from './body.js'
import { decodeQuoteHeader } from './header.js'
import { Reader } from './reader.js'
import { readStruct, SGX_REPORT_FIELDS } from './report.js'
import type { Quote, QuoteLayout, SgxReportBody } from './types.js'

/**
 * Strict decoding of DCAP quotes: every length must add up and nothing may trail. Integers are
 * little-endian, as on the wire.
 */

/** Decodes a quote and reports where its signed parts lie. */
export function decodeQuoteWithLayout(bytes: Uint8Array): { quote: Quote; layout: QuoteLayout } {
  if (!(bytes instanceof Uint8Array)) {
    throw new QuoteFormatError({ field: 'quote', expected: 'a Uint8Array', got: typeof bytes })
  }
  const r = new Reader(bytes)
  const header = decodeQuoteHeader(r)
  const body = readQuoteBody(r, header)
  const signedLength = r.offset
  const sigLen = r.u32('signatureDataLength')
  if (r.remaining() < sigLen) {
    throw new QuoteFormatError({
      field: 'signatureData',
      expected: `${sigLen} bytes (signatureDataLength)`,
      got: `${r.remaining()} bytes (quote truncated)`,
    })
  }
  if (r.remaining() > sigLen) {
    throw new QuoteFormatError({
      field: 'signatureData',
      expected: `${sigLen} bytes (signatureDataLength) ending the quote`,
      got: `${r.remaining() - sigLen} trailing bytes (quote padded)`,
    })
  }
  const s = new Reader(bytes, r.offset + sigLen, r.offset)
  const signature = s.take(ECDSA_SIGNATURE_SIZE, 'signatureData.signature')
  const attestationKey = s.take(ECDSA_PUBLIC_KEY_SIZE, 'signatureData.attestationKey')
  let qe: Reader = s
  let qePrefix = 'signatureData'
  // v4 and v5 nest the QE report in certification data type 6; v3 lays it out flat.
  const nested = header.version >= 4
  if (nested) {
    const type = s.u16('signatureData.certificationDataType')
    if (type !== CERT_DATA_TYPE.qeReportCertificationData) {
      throw new UnsupportedQuoteError({
        field: 'signatureData.certificationDataType',
        expected: `${CERT_DATA_TYPE.qeReportCertificationData} (QE report certification data)`,
        got: type,
      })
    }
    const size = s.u32('signatureData.certificationDataSize')
    expectExact(s, size, 'signatureData.qeReportCertificationData', 'certificationDataSize')
    qe = new Reader(bytes, s.offset + size, s.offset)
    qePrefix = 'signatureData.qeReportCertificationData'
  }
  const qeReportOffset = qe.offset
  const qeReport = readStruct<SgxReportBody>(qe, SGX_REPORT_FIELDS, `${qePrefix}.qeReport`)
  const qeReportSignature = qe.take(ECDSA_SIGNATURE_SIZE, `${qePrefix}.qeReportSignature`)
  const authLen = qe.u16(`${qePrefix}.qeAuthDataSize`)
  const qeAuthData = qe.take(authLen, `${qePrefix}.qeAuthData`)
  const certType = qe.u16(`${qePrefix}.certificationData.type`)
  const certSize = qe.u32(`${qePrefix}.certificationData.size`)
  expectExact(qe, certSize, `${qePrefix}.certificationData.data`, 'certificationData.size')
  const certData = qe.take(certSize, `${qePrefix}.certificationData.data`)
  if (nested) s.offset = qe.offset
  if (s.remaining() !== 0) {
    throw new QuoteFormatError({
      field: 'signatureData',
      expected: 'its parts to fill signatureDataLength exactly',
      got: `${s.remaining()} unaccounted bytes`,
    })
  }
  return {
    quote: {
      header,
      body,
      signatureData: {
        signature,
        attestationKey,
        qeReport,
        qeReportSignature,
        qeAuthData,
        certificationData: { type: certType, data: certData },
      },
    },
    layout: { signedLength, qeReportOffset },
  }
}

function expectExact(r: Reader, size: number, field: string, sizeField: string): void {
  if (r.remaining() < size) {
    throw new QuoteFormatError({
      field,
      expected: `${size} bytes (${sizeField})`,
      got: `${r.remaining()} bytes (truncated)`,
    })
  }
  if (r.remaining() > size) {
    throw new QuoteFormatError({
      field,
      expected: `${size} bytes (${sizeField}) ending its section`,
      got: `${r.remaining() - size} trailing bytes (padded)`,
    })
  }
}

/**
 * Decodes a DCAP quote (v3, v4, v5); throws `QuoteFormatError`/`UnsupportedQuoteError` naming the bad field.
 * A v5 quote's body descriptor decides the body: `quote.body.type` is `sgx`, `tdx` (TDX 1.0) or `tdx15`.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict'
 * import { mkdtemp } from 'node:fs/promises'
 * import { tmpdir } from 'node:os'
 * import { join } from 'node:path'
 * import { createSimulatedEnclave, decodeQuote, encodeQuote, quoteMeasurement } from '@rollup-mesh/tee-attest'
 *
 * const measurement = new Uint8Array(32).fill(7)
 * const enclave = await createSimulatedEnclave({ dataDir: await mkdtemp(join(tmpdir(), 'spn-')), measurement })
 * const bytes = enclave.quote(new Uint8Array(64))
 * const quote = decodeQuote(bytes)
 * assert.equal(quote.header.version, 5)
 * assert.equal(quote.body.type, 'sgx') // v5 body descriptor type 1
 * assert.deepEqual(quoteMeasurement(quote), measurement)
 * assert.deepEqual(encodeQuote(quote), bytes) // lossless: byte for byte
 * // strict: a padded quote is refused, naming the field
 * assert.throws(() => decodeQuote(new Uint8Array([...bytes, 0])), { code: 'QUOTE_MALFORMED', field: 'signatureData' })
 * // ... and so is a body size that does not match the body type
 * const badSize = bytes.slice()
 * badSize[50] ^= 1
 * assert.throws(() => decodeQuote(badSize), { code: 'QUOTE_MALFORMED', field: 'bodyDescriptor.size' })
 * ```
 */
export function decodeQuote(bytes: Uint8Array): Quote {
  return decodeQuoteWithLayout(bytes).quote
}
