import { CERT_DATA_TYPE, ECDSA_PUBLIC_KEY_SIZE, ECDSA_SIGNATURE_SIZE } from '../layout.js'
import { writeQuoteBody } from './body.js'
import { checkQuoteHeader, writeQuoteHeader } from './header.js'
import { encodeSgxReport } from './report.js'
import type { Quote, QuoteBody, QuoteHeader, QuoteSignatureData } from './types.js'
import { Writer } from './writer.js'

/** The bytes the attestation key signs: header || body (v5: header || body descriptor || body). */
export function encodeQuoteSignedPart(header: QuoteHeader, body: QuoteBody): Uint8Array {
  checkQuoteHeader(header)
  return writeQuoteBody(writeQuoteHeader(new Writer(), header), header, body).finish()
}

/** Encodes the signature data section (without its length prefix) in the layout of `version`. */
export function encodeSignatureData(version: number, sig: QuoteSignatureData): Uint8Array {
  const qe = new Writer()
    .raw(encodeSgxReport(sig.qeReport, 'signatureData.qeReport'))
    .bytes(sig.qeReportSignature, ECDSA_SIGNATURE_SIZE, 'signatureData.qeReportSignature')
    .uint(sig.qeAuthData.length, 2, 'signatureData.qeAuthDataSize')
    .raw(sig.qeAuthData)
    .uint(sig.certificationData.type, 2, 'signatureData.certificationData.type')
    .uint(sig.certificationData.data.length, 4, 'signatureData.certificationData.size')
    .raw(sig.certificationData.data)
    .finish()
  const w = new Writer()
    .bytes(sig.signature, ECDSA_SIGNATURE_SIZE, 'signatureData.signature')
    .bytes(sig.attestationKey, ECDSA_PUBLIC_KEY_SIZE, 'signatureData.attestationKey')
  if (version >= 4) {
    w.uint(CERT_DATA_TYPE.qeReportCertificationData, 2, 'signatureData.certificationDataType')
    w.uint(qe.length, 4, 'signatureData.certificationDataSize')
  }
  return w.raw(qe).finish()
}

/**
 * Encodes a quote; the inverse of `decodeQuote`.
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
 * assert.deepEqual(quoteMeasurement(quote), measurement)
 * assert.deepEqual(encodeQuote(quote), bytes) // lossless: byte for byte
 * // strict: a padded quote is refused, naming the field
 * assert.throws(() => decodeQuote(new Uint8Array([...bytes, 0])), { code: 'QUOTE_MALFORMED', field: 'signatureData' })
 * ```
 */
export function encodeQuote(quote: Quote): Uint8Array {
  const signed = encodeQuoteSignedPart(quote.header, quote.body)
  const sig = encodeSignatureData(quote.header.version, quote.signatureData)
  return new Writer().raw(signed).uint(sig.length, 4, 'signatureDataLength').raw(sig).finish()
}
