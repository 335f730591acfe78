import { QuoteVerificationError } from './errors.js'
import type { QuoteBodyKind } from './quote/types.js'
import type { VerificationResult } from './verifier.js'

const BODY_LABEL: Record<QuoteBodyKind, string> = {
  sgx: 'SGX report',
  tdx: 'TDX 1.0 TD report',
  tdx15: 'TDX 1.5 TD report',
}

/**
 * A human line for a result: says `simulated` for simulated enclaves, whatever the status, and, once the
 * quote decoded, its format (`DCAP v5, SGX report body`).
 */
export function formatVerificationResult(result: VerificationResult): string {
  const mode = result.simulated ? 'simulated enclave' : 'hardware enclave'
  const what = result.ok ? 'verified' : `rejected (${result.reason ?? result.status})`
  const format =
    result.version !== undefined && result.bodyType
      ? `; DCAP v${result.version}, ${BODY_LABEL[result.bodyType]} body`
      : ''
  return `${result.status}: ${mode} quote ${what}${result.tcbStatus ? `, TCB ${result.tcbStatus}` : ''}${format}`
}

/**
 * Throws `QuoteVerificationError` unless the result is `ok`/`ok-simulated`.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict'
 * import { assertQuoteVerified, formatVerificationResult, verifyQuote } from '@rollup-mesh/tee-attest'
 *
 * const result = verifyQuote(new Uint8Array(16), { allowedMeasurements: [], expectedReportData: new Uint8Array(64) })
 * assert.equal(formatVerificationResult(result).startsWith('malformed: hardware enclave quote rejected'), true)
 * assert.throws(() => assertQuoteVerified(result), { code: 'QUOTE_MALFORMED' })
 * ```
 */
export function assertQuoteVerified(result: VerificationResult): void {
  if (!result.ok) throw new QuoteVerificationError({ status: result.status, reason: result.reason ?? '' })
}
