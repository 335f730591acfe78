import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign,
  X509Certificate,
} from 'node:crypto'
import { join } from 'node:path'
import type { Attestor, Hex, Logger } from '@rollup-mesh/core'
import { bytesToHex, createSilentLogger, hexToBytes, InvalidParameterError } from '@rollup-mesh/core'
import { derToPem, splitPemChain } from './certificates.js'
import { ENCLAVE_FILES, loadOrCreateKeyMaterial } from './enclave-keys.js'
import { EnclaveStateError } from './errors.js'
import {
  ATTESTATION_KEY_TYPE_ECDSA_P256,
  CERT_DATA_TYPE,
  INTEL_QE_VENDOR_ID,
  REPORT_DATA_SIZE,
  SGX_ATTRIBUTE_DEBUG,
  TEE_TYPE,
} from './layout.js'
import { encodeQuoteSignedPart, encodeSignatureData } from './quote/encode.js'
import { encodeSgxReport } from './quote/report.js'
import type { QuoteHeader, QuoteSignatureData, SgxReportBody } from './quote/types.js'

/**
 * The simulated enclave: no SGX hardware, but everything a verifier sees is
 * real. At first start it creates, in `<dataDir>/enclave/`:
 * - a dev root CA (self-signed, P-256; its private key is discarded after use,
 *   like an offline root),
 * - a PCK-like chain: intermediate "platform CA" and PCK leaf (leaf key kept to
 *   sign QE reports, as Intel's Quoting Enclave does),
 * - an attestation key (P-256) that signs quotes.
 * Its quotes are byte-exact SGX ECDSA quotes, version 5 by default (header,
 * body descriptor type 1 = SGX report, body; `quoteVersion: 4` for the older
 * layout without descriptor), with certification data type 6 (QE report, QE
 * auth data, type-5 PEM chain), signed through the same chain a hardware quote
 * uses; verifiers tell them apart only by the root.
 */

/** Quote versions the simulated enclave emits; 5 is the default (the format current DCAP libraries emit). */
export const SIMULATED_QUOTE_VERSIONS = [4, 5] as const
export type SimulatedQuoteVersion = (typeof SIMULATED_QUOTE_VERSIONS)[number]
export const DEFAULT_SIMULATED_QUOTE_VERSION: SimulatedQuoteVersion = 5

/** What the simulated Quoting Enclave puts in its own report (fixed, documented values). */
export const SIMULATED_QE = {
  mrEnclave: sha256Text('rollup-mesh simulated quoting enclave v1'),
  mrSigner: sha256Text('rollup-mesh simulated quoting enclave signer v1'),
  isvProdId: 1,
  isvSvn: 1,
  /** The 32 bytes of QE auth data bound into the QE report with the attestation key. */
  authData: sha256Text('rollup-mesh simulated qe auth data v1'),
} as const

/** Default enclave signer (`mr_signer`) of simulated executor enclaves. */
export const SIMULATED_MR_SIGNER: Uint8Array = sha256Text('rollup-mesh simulated executor signer v1')

/** `header.userData` of simulated quotes: says so in ASCII (20 bytes). */
export const SIMULATED_USER_DATA: Uint8Array = new TextEncoder().encode('SIMULATED rollupmesh')

export type SimulatedEnclaveOptions = {
  /** The SPN's data dir; keys and certificates live in `<dataDir>/enclave/`. */
  dataDir: string
  /** `mr_enclave`, 32 bytes: see `computeExecutorMeasurement`. */
  measurement: Uint8Array | Hex
  /** `mr_signer`, 32 bytes; default `SIMULATED_MR_SIGNER`. */
  mrSigner?: Uint8Array | Hex
  isvProdId?: number
  isvSvn?: number
  /**
   * Quote format: 5 (default; header, body descriptor, SGX report body) or 4 (no descriptor). The
   * signature data layout (certification data type 6) is the same in both.
   */
  quoteVersion?: SimulatedQuoteVersion
  /** Set the SGX DEBUG attribute in quotes (for tests: verifiers must refuse them). */
  debug?: boolean
  /** Validity start of newly created certificates; default now minus one hour. */
  notBefore?: Date
  /** Validity of newly created certificates in years; default 20. */
  validityYears?: number
  logger?: Logger
}

/** Shown wherever the enclave's status is displayed. */
export type EnclaveStatus = {
  mode: 'simulated'
  label: string
  measurement: Hex
  rootFingerprint: Hex
  debug: boolean
  quoteVersion: SimulatedQuoteVersion
  keyDir: string
}

export interface SimulatedEnclave extends Attestor {
  readonly mode: 'simulated'
  readonly measurement: Uint8Array
  /** The dev root CA to register with the verifier policy (`simulatedRoots`), PEM. */
  readonly rootCertificatePem: string
  readonly rootCertificateDer: Uint8Array
  readonly keyDir: string
  /** The quote version it emits (`quoteVersion`, default 5). */
  readonly quoteVersion: SimulatedQuoteVersion
  /** An SGX quote (v5 by default) over `reportData` (64 bytes), synchronously. */
  quote(reportData: Uint8Array): Uint8Array
  attest(reportData: Uint8Array): Promise<Uint8Array>
  status(): EnclaveStatus
}

function sha256Text(text: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(text, 'utf8').digest())
}

function toFixedBytes(value: Uint8Array | Hex, size: number, param: string): Uint8Array {
  const bytes = typeof value === 'string' ? hexToBytes(value) : value
  if (!(bytes instanceof Uint8Array) || bytes.length !== size) {
    throw new InvalidParameterError({ param, expected: `${size} bytes (Uint8Array or 0x hex)`, got: value })
  }
  return bytes
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' })
  if (jwk.crv !== 'P-256' || !jwk.x || !jwk.y)
    throw new InvalidParameterError({ param: 'key', expected: 'a P-256 key' })
  return new Uint8Array(Buffer.concat([Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]))
}

function emptyReport(): SgxReportBody {
  return {
    cpuSvn: new Uint8Array(16),
    miscSelect: 0,
    reserved1: new Uint8Array(28),
    attributes: new Uint8Array(16),
    mrEnclave: new Uint8Array(32),
    reserved2: new Uint8Array(32),
    mrSigner: new Uint8Array(32),
    reserved3: new Uint8Array(96),
    isvProdId: 0,
    isvSvn: 0,
    reserved4: new Uint8Array(60),
    reportData: new Uint8Array(64),
  }
}

/** SGX attributes: FLAGS = INIT | MODE64BIT (| DEBUG), XFRM = 0xe7 (x87, SSE, AVX, AVX-512 state). */
function attributes(debug: boolean): Uint8Array {
  const a = new Uint8Array(16)
  a[0] = 0x05 | (debug ? SGX_ATTRIBUTE_DEBUG : 0)
  a[8] = 0xe7
  return a
}

/**
 * Creates (first start) or loads the simulated enclave kept in `<dataDir>/enclave/`.
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
 * assert.equal(verifyQuote(quote, policy).status, 'ok-simulated')
 * // a production policy (no simulated roots) refuses it
 * assert.equal(verifyQuote(quote, { ...policy, allowSimulated: false }).status, 'simulated-not-allowed')
 * ```
 */
export async function createSimulatedEnclave(options: SimulatedEnclaveOptions): Promise<SimulatedEnclave> {
  if (typeof options?.dataDir !== 'string' || options.dataDir === '') {
    throw new InvalidParameterError({ param: 'dataDir', expected: 'a directory path', got: options?.dataDir })
  }
  const measurement = toFixedBytes(options.measurement, 32, 'measurement')
  const mrSigner = toFixedBytes(options.mrSigner ?? SIMULATED_MR_SIGNER, 32, 'mrSigner')
  const isvProdId = options.isvProdId ?? 0
  const isvSvn = options.isvSvn ?? 0
  for (const [param, v] of [
    ['isvProdId', isvProdId],
    ['isvSvn', isvSvn],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) {
      throw new InvalidParameterError({ param, expected: 'an integer from 0 to 65535', got: v })
    }
  }
  const debug = options.debug ?? false
  const quoteVersion = options.quoteVersion ?? DEFAULT_SIMULATED_QUOTE_VERSION
  if (!SIMULATED_QUOTE_VERSIONS.includes(quoteVersion)) {
    throw new InvalidParameterError({ param: 'quoteVersion', expected: '4 or 5', got: quoteVersion })
  }
  const log = (options.logger ?? createSilentLogger()).child({ module: 'enclave', mode: 'simulated' })
  const keyDir = join(options.dataDir, 'enclave')
  const material = await loadOrCreateKeyMaterial(
    keyDir,
    options.notBefore ?? new Date(Date.now() - 3600_000),
    options.validityYears ?? 20,
    log,
  )

  let chainDer: Uint8Array[]
  let pckKey: KeyObject
  let attestationKey: KeyObject
  try {
    chainDer = splitPemChain(material.chainPem)
    pckKey = createPrivateKey(material.pckKeyPem)
    attestationKey = createPrivateKey(material.attestationKeyPem)
  } catch (cause) {
    throw new EnclaveStateError({
      dir: keyDir,
      problem: `key files do not parse (${(cause as Error).message})`,
    })
  }
  const leaf = chainDer[0] ? new X509Certificate(chainDer[0]) : undefined
  const rootDer = chainDer.at(-1)
  if (chainDer.length !== 3 || !leaf || !rootDer) {
    throw new EnclaveStateError({ dir: keyDir, problem: `${ENCLAVE_FILES.chain} must hold 3 certificates` })
  }
  const pckPublic = createPublicKey(pckKey)
  if (!leaf.publicKey.equals(pckPublic)) {
    throw new EnclaveStateError({ dir: keyDir, problem: 'the PCK key does not match the PCK certificate' })
  }
  const akRaw = rawPublicKey(createPublicKey(attestationKey))

  // The QE report and its signature depend only on the attestation key, so they are made once.
  const qeReport: SgxReportBody = {
    ...emptyReport(),
    attributes: attributes(false),
    mrEnclave: SIMULATED_QE.mrEnclave,
    mrSigner: SIMULATED_QE.mrSigner,
    isvProdId: SIMULATED_QE.isvProdId,
    isvSvn: SIMULATED_QE.isvSvn,
    reportData: new Uint8Array(64),
  }
  qeReport.reportData.set(createHash('sha256').update(akRaw).update(SIMULATED_QE.authData).digest(), 0)
  const qeReportSignature = new Uint8Array(
    sign('sha256', encodeSgxReport(qeReport), { key: pckKey, dsaEncoding: 'ieee-p1363' }),
  )
  const certData = Buffer.concat([Buffer.from(chainDer.map(derToPem).join(''), 'latin1'), Buffer.of(0)])
  const header: QuoteHeader = {
    version: quoteVersion,
    attestationKeyType: ATTESTATION_KEY_TYPE_ECDSA_P256,
    teeType: TEE_TYPE.sgx,
    qeSvn: SIMULATED_QE.isvSvn,
    pceSvn: 1,
    qeVendorId: hexToBytes(INTEL_QE_VENDOR_ID),
    userData: SIMULATED_USER_DATA,
  }
  const bodyTemplate: SgxReportBody = {
    ...emptyReport(),
    attributes: attributes(debug),
    mrEnclave: measurement,
    mrSigner,
    isvProdId,
    isvSvn,
  }
  const partialSig: Omit<QuoteSignatureData, 'signature'> = {
    attestationKey: akRaw,
    qeReport,
    qeReportSignature,
    qeAuthData: SIMULATED_QE.authData,
    certificationData: { type: CERT_DATA_TYPE.pckCertChain, data: new Uint8Array(certData) },
  }
  const rootFingerprint = bytesToHex(createHash('sha256').update(rootDer).digest())
  log.info(
    { measurement: bytesToHex(measurement), rootFingerprint, debug, quoteVersion },
    'simulated enclave ready',
  )

  const quote = (reportData: Uint8Array): Uint8Array => {
    if (!(reportData instanceof Uint8Array) || reportData.length !== REPORT_DATA_SIZE) {
      throw new InvalidParameterError({ param: 'reportData', expected: '64 bytes', got: reportData })
    }
    const signed = encodeQuoteSignedPart(header, {
      type: 'sgx',
      report: { ...bodyTemplate, reportData: reportData.slice() },
    })
    const signature = new Uint8Array(
      sign('sha256', signed, { key: attestationKey, dsaEncoding: 'ieee-p1363' }),
    )
    const sig = encodeSignatureData(quoteVersion, { ...partialSig, signature })
    const out = new Uint8Array(signed.length + 4 + sig.length)
    out.set(signed, 0)
    new DataView(out.buffer).setUint32(signed.length, sig.length, true)
    out.set(sig, signed.length + 4)
    return out
  }

  return {
    mode: 'simulated',
    measurement,
    rootCertificatePem: derToPem(rootDer),
    rootCertificateDer: rootDer,
    keyDir,
    quoteVersion,
    quote,
    attest: async (reportData) => quote(reportData),
    status: () => ({
      mode: 'simulated',
      label: 'simulated enclave (no TEE hardware; quotes chain to a dev root CA)',
      measurement: bytesToHex(measurement),
      rootFingerprint,
      debug,
      quoteVersion,
      keyDir,
    }),
  }
}
