import { createHash, type KeyObject, type X509Certificate } from 'node:crypto'
import { BaseError, bytesToHex, type Hex } from '@rollup-mesh/core'
import {
  bytesEqual,
  type CertificateInput,
  INTEL_SGX_ROOT_CA_DER,
  isCanonicalPemChain,
  parseCertificates,
  SIMULATED_CERT_MARKER,
  splitPemChain,
  toDer,
  verifyChainLinks,
} from './certificates.js'
import { QuoteFormatError, UnsupportedQuoteError } from './errors.js'
import { CERT_DATA_TYPE, REPORT_DATA_SIZE, SGX_REPORT_BODY_SIZE } from './layout.js'
import { p256Key, rawVerify, toBytes } from './p256.js'
import { decodeQuoteWithLayout } from './quote/decode.js'
import { isDebugQuote, quoteMeasurement } from './quote/inspect.js'
import type { Quote, QuoteBodyKind, QuoteLayout } from './quote/types.js'

/**
 * The fail-closed quote verifier. Every check must pass for `ok`/`ok-simulated`;
 * anything else, including an exception inside a check, is a failure status.
 *
 * Order of checks (the first failure is reported):
 * 1. decode (`malformed`, `unsupported-quote`)
 * 2. certification data -> certificates (`certificate-invalid`)
 * 3. root: a configured hardware root, or a configured dev root when the
 *    policy allows simulated enclaves (`untrusted-root`, `simulated-not-allowed`)
 * 4. chain links: issuer, CA flag, signature (`certificate-chain-invalid`),
 *    validity at `policy.now` (`certificate-expired`)
 * 5. QE report signature by the PCK leaf (`qe-report-signature-invalid`)
 * 6. attestation-key binding: QE report data = SHA-256(AK || QE auth data) || 0^32
 *    (`attestation-key-mismatch`)
 * 7. quote signature by the attestation key over header || body (v5: header || body descriptor ||
 *    body) (`quote-signature-invalid`)
 * 8. hardware quotes only: collateral (TCB info, QE identity, CRLs) through the
 *    policy's backend (`collateral-missing`, `collateral-rejected`)
 * 9. policy: debug (`debug-enclave`), measurement (`measurement-not-allowed`),
 *    report data (`report-data-mismatch`)
 */

export const VERIFY_STATUSES = [
  'ok',
  'ok-simulated',
  'malformed',
  'unsupported-quote',
  'certificate-invalid',
  'untrusted-root',
  'simulated-not-allowed',
  'certificate-chain-invalid',
  'certificate-expired',
  'qe-report-signature-invalid',
  'attestation-key-mismatch',
  'quote-signature-invalid',
  'collateral-missing',
  'collateral-rejected',
  'debug-enclave',
  'measurement-not-allowed',
  'report-data-mismatch',
  'invalid-policy',
  'verifier-error',
] as const

export type VerifyStatus = (typeof VERIFY_STATUSES)[number]
export type VerifyFailureStatus = Exclude<VerifyStatus, 'ok' | 'ok-simulated'>

/** The result of a hardware-collateral check (TCB status as Intel names it). */
export type CollateralOutcome =
  | { ok: true; tcbStatus: string; advisoryIds: string[] }
  | { ok: false; reason: string }

/**
 * A real-DCAP backend: checks a hardware quote against Intel collateral (TCB
 * info, QE identity, CRLs). `createDcapQvlBackend` implements it.
 */
export interface CollateralBackend {
  readonly name: string
  verify(quote: Uint8Array, context: { rootDer: Uint8Array; now: Date }): CollateralOutcome
}

export type AttestationPolicy = {
  /** Accepted measurements: mr_enclave (32 bytes) for SGX, mr_td (48 bytes) for TDX. Empty accepts none. */
  allowedMeasurements: readonly (Hex | Uint8Array)[]
  /** The 64 bytes the quote's report data must equal (see `reportDataForSettlement`). */
  expectedReportData: Hex | Uint8Array
  /** Accept quotes chained to a `simulatedRoots` dev root (status `ok-simulated`). Default false. */
  allowSimulated?: boolean
  /** Dev root CAs of simulated enclaves; trusted only when `allowSimulated`. */
  simulatedRoots?: readonly CertificateInput[]
  /** Hardware roots; default the Intel SGX Root CA. */
  trustedRoots?: readonly CertificateInput[]
  /** Checks hardware quotes' collateral; without it a hardware quote fails with `collateral-missing`. */
  collateral?: CollateralBackend
  /** Accept debug enclaves (never on a real network). Default false. */
  allowDebug?: boolean
  /** Time for certificate validity (a block timestamp on chain); default now. */
  now?: Date
}

export type VerificationResult = {
  status: VerifyStatus
  /** True only for `ok` and `ok-simulated`. */
  ok: boolean
  /** True when the quote chains to a dev root (whatever the status). */
  simulated: boolean
  /** What failed, for people and logs; absent on success. */
  reason?: string
  /** The quote field a decode error names. */
  field?: string
  teeType?: 'sgx' | 'tdx'
  /** Which report the quote carries: `sgx`, `tdx` (TDX 1.0) or `tdx15` (TDX 1.5, v5 body type 3). */
  bodyType?: QuoteBodyKind
  version?: number
  measurement?: Hex
  reportData?: Hex
  /** Hardware quotes: Intel's TCB status from the collateral backend. */
  tcbStatus?: string
  advisoryIds?: string[]
  /** The checks that passed, in order. */
  checks: string[]
}

type RootSet = { hardware: Uint8Array[]; simulated: Uint8Array[] }

function resolveRoots(policy: AttestationPolicy): RootSet {
  return {
    hardware: (policy.trustedRoots ?? [INTEL_SGX_ROOT_CA_DER]).map(toDer),
    simulated: (policy.simulatedRoots ?? []).map(toDer),
  }
}

class Failure {
  constructor(
    readonly status: VerifyFailureStatus,
    readonly reason: string,
    readonly field?: string,
  ) {}
}

/**
 * Verifies a DCAP quote against `policy`; never throws for a bad quote or policy, it returns a failure status.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict'
 * import { mkdtemp } from 'node:fs/promises'
 * import { tmpdir } from 'node:os'
 * import { join } from 'node:path'
 * import { createSimulatedEnclave, reportDataForSettlement, verifyQuote } from '@rollup-mesh/tee-attest'
 *
 * const measurement = new Uint8Array(32).fill(7) // computeExecutorMeasurement(...) on a node
 * const enclave = await createSimulatedEnclave({ dataDir: await mkdtemp(join(tmpdir(), 'spn-')), measurement })
 * const reportData = reportDataForSettlement('0x1234') // binds the quote to one settlement
 * const quote = enclave.quote(reportData)
 * const policy = {
 *   allowedMeasurements: [measurement],
 *   expectedReportData: reportData,
 *   allowSimulated: true,
 *   simulatedRoots: [enclave.rootCertificateDer],
 * }
 * const result = verifyQuote(quote, policy)
 * assert.equal(result.ok, true)
 * assert.deepEqual(result.checks.slice(0, 2), ['decode', 'certificates'])
 * // every check fails closed with its own status
 * assert.equal(verifyQuote(quote, { ...policy, allowedMeasurements: [] }).status, 'measurement-not-allowed')
 * assert.equal(verifyQuote(quote, { ...policy, expectedReportData: new Uint8Array(64) }).status, 'report-data-mismatch')
 * assert.equal(verifyQuote(quote.subarray(0, 100), policy).status, 'malformed')
 * ```
 */
export function verifyQuote(quoteBytes: Uint8Array, policy: AttestationPolicy): VerificationResult {
  const result: VerificationResult = { status: 'verifier-error', ok: false, simulated: false, checks: [] }
  try {
    const outcome = runChecks(quoteBytes, policy, result)
    if (outcome instanceof Failure) {
      result.status = outcome.status
      result.reason = outcome.reason
      if (outcome.field) result.field = outcome.field
    } else {
      result.status = outcome
      result.ok = true
    }
  } catch (err) {
    result.status = 'verifier-error'
    result.reason = err instanceof BaseError ? err.shortMessage : (err as Error)?.message || String(err)
  }
  return result
}

function runChecks(
  quoteBytes: Uint8Array,
  policy: AttestationPolicy,
  result: VerificationResult,
): Failure | 'ok' | 'ok-simulated' {
  // 0. policy shape (a bad policy fails closed too)
  let roots: RootSet
  let expectedReportData: Uint8Array
  let allowed: Uint8Array[]
  try {
    roots = resolveRoots(policy)
    expectedReportData = toBytes(policy.expectedReportData)
    allowed = policy.allowedMeasurements.map(toBytes)
  } catch (err) {
    return new Failure('invalid-policy', err instanceof BaseError ? err.shortMessage : (err as Error).message)
  }
  if (expectedReportData.length !== REPORT_DATA_SIZE) {
    return new Failure(
      'invalid-policy',
      `expectedReportData is ${expectedReportData.length} bytes, expected 64`,
    )
  }
  const now = policy.now ?? new Date()

  // 1. decode
  let quote: Quote
  let layout: QuoteLayout
  try {
    ;({ quote, layout } = decodeQuoteWithLayout(quoteBytes))
  } catch (err) {
    if (err instanceof QuoteFormatError) return new Failure('malformed', err.message, err.field)
    if (err instanceof UnsupportedQuoteError) return new Failure('unsupported-quote', err.message, err.field)
    throw err
  }
  result.teeType = quote.body.type === 'sgx' ? 'sgx' : 'tdx'
  result.bodyType = quote.body.type
  result.version = quote.header.version
  result.measurement = bytesToHex(quoteMeasurement(quote))
  result.reportData = bytesToHex(quote.body.report.reportData)
  result.checks.push('decode')
  const sig = quote.signatureData

  // 2. certificates
  if (sig.certificationData.type !== CERT_DATA_TYPE.pckCertChain) {
    return new Failure(
      'unsupported-quote',
      `certification data type ${sig.certificationData.type}, expected 5 (PEM PCK chain)`,
      'certificationData.type',
    )
  }
  let chain: X509Certificate[]
  try {
    const ders = splitPemChain(sig.certificationData.data)
    if (!isCanonicalPemChain(sig.certificationData.data, ders)) {
      return new Failure(
        'certificate-invalid',
        'certification data is not canonical PEM (64-column base64, LF line ends, one optional trailing NUL)',
      )
    }
    chain = parseCertificates(ders)
  } catch (err) {
    return new Failure(
      'certificate-invalid',
      err instanceof BaseError ? err.shortMessage : (err as Error).message,
    )
  }
  if (chain.length < 2) return new Failure('certificate-invalid', `chain has ${chain.length} certificate(s)`)
  result.checks.push('certificates')

  // 3. root
  const top = chain.at(-1)!
  const topDer = new Uint8Array(top.raw)
  const isHardware = roots.hardware.some((r) => bytesEqual(r, topDer))
  const isDevRoot = roots.simulated.some((r) => bytesEqual(r, topDer))
  const looksSimulated = top.subject.includes(SIMULATED_CERT_MARKER)
  result.simulated = !isHardware && (isDevRoot || looksSimulated)
  if (!isHardware) {
    if (result.simulated && !policy.allowSimulated) {
      return new Failure(
        'simulated-not-allowed',
        'quote chains to a simulated-enclave dev root; policy forbids it',
      )
    }
    if (!isDevRoot)
      return new Failure('untrusted-root', `root "${top.subject.replaceAll('\n', ', ')}" is not configured`)
  }
  result.checks.push('root')

  // 4. chain
  const chainFailure = verifyChainLinks(chain, now)
  if (chainFailure) {
    return new Failure(
      chainFailure.kind === 'time' ? 'certificate-expired' : 'certificate-chain-invalid',
      chainFailure.reason,
    )
  }
  result.checks.push('chain')

  // 5. QE report signature (over the exact bytes: the codec is lossless)
  const qeReportBytes = quoteBytes.subarray(
    layout.qeReportOffset,
    layout.qeReportOffset + SGX_REPORT_BODY_SIZE,
  )
  if (!rawVerify(qeReportBytes, chain[0]!.publicKey, sig.qeReportSignature)) {
    return new Failure(
      'qe-report-signature-invalid',
      'QE report signature does not verify under the PCK certificate',
    )
  }
  result.checks.push('qe-report-signature')

  // 6. attestation key binding
  const binding = createHash('sha256').update(sig.attestationKey).update(sig.qeAuthData).digest()
  const qeReportData = sig.qeReport.reportData
  if (!bytesEqual(qeReportData.subarray(0, 32), binding) || qeReportData.subarray(32).some((b) => b !== 0)) {
    return new Failure(
      'attestation-key-mismatch',
      'QE report data is not SHA-256(attestation key || QE auth data) followed by 32 zero bytes',
    )
  }
  result.checks.push('attestation-key-binding')

  // 7. quote signature
  let ak: KeyObject
  try {
    ak = p256Key(sig.attestationKey)
  } catch {
    return new Failure('attestation-key-mismatch', 'attestation key is not a point on P-256')
  }
  if (!rawVerify(quoteBytes.subarray(0, layout.signedLength), ak, sig.signature)) {
    return new Failure('quote-signature-invalid', 'quote signature does not verify under the attestation key')
  }
  result.checks.push('quote-signature')

  // 8. collateral (hardware only)
  if (isHardware) {
    if (!policy.collateral) {
      return new Failure(
        'collateral-missing',
        'hardware quote needs collateral (TCB info, QE identity, CRLs)',
      )
    }
    const outcome = policy.collateral.verify(quoteBytes, { rootDer: topDer, now })
    if (!outcome.ok) return new Failure('collateral-rejected', `${policy.collateral.name}: ${outcome.reason}`)
    result.tcbStatus = outcome.tcbStatus
    result.advisoryIds = outcome.advisoryIds
    result.checks.push('collateral')
  }

  // 9. policy
  if (isDebugQuote(quote) && !policy.allowDebug) {
    return new Failure('debug-enclave', 'the enclave runs in debug mode (its memory is readable by the host)')
  }
  const measurement = quoteMeasurement(quote)
  if (!allowed.some((m) => bytesEqual(m, measurement))) {
    return new Failure(
      'measurement-not-allowed',
      `measurement ${bytesToHex(measurement)} is not allow-listed`,
    )
  }
  result.checks.push('measurement')
  if (!bytesEqual(quote.body.report.reportData, expectedReportData)) {
    return new Failure('report-data-mismatch', 'report data does not commit to the expected settlement')
  }
  result.checks.push('report-data')
  return isHardware ? 'ok' : 'ok-simulated'
}
