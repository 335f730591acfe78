import { X509Certificate } from 'node:crypto'
import { CertificateFormatError } from './errors.js'

/**
 * X.509 helpers for DCAP certification data (type 5: a PEM chain PCK leaf ->
 * intermediate CA -> root CA) over node:crypto's `X509Certificate`.
 */

/** Intel SGX Root CA (CN=Intel SGX Root CA, valid 2018-05-21 to 2049-12-31), DER as base64. */
const INTEL_SGX_ROOT_CA_BASE64 =
  'MIICjzCCAjSgAwIBAgIUImUM1lqdNInzg7SVUr9QGzknBqwwCgYIKoZIzj0EAwIwaDEaMBgGA1UE' +
  'AwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENvcnBvcmF0aW9uMRQwEgYDVQQH' +
  'DAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJBgNVBAYTAlVTMB4XDTE4MDUyMTEwNDUxMFoX' +
  'DTQ5MTIzMTIzNTk1OVowaDEaMBgGA1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUlu' +
  'dGVsIENvcnBvcmF0aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJBgNV' +
  'BAYTAlVTMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC6nEwMDIYZOj/iPWsCzaEKi71OiOSLRF' +
  'hWGjbnBVJfVnkY4u3IjkDYYL0MxO4mqsyYjlBalTVYxFP2sJBK5zlKOBuzCBuDAfBgNVHSMEGDAW' +
  'gBQiZQzWWp00ifODtJVSv1AbOScGrDBSBgNVHR8ESzBJMEegRaBDhkFodHRwczovL2NlcnRpZmlj' +
  'YXRlcy50cnVzdGVkc2VydmljZXMuaW50ZWwuY29tL0ludGVsU0dYUm9vdENBLmRlcjAdBgNVHQ4E' +
  'FgQUImUM1lqdNInzg7SVUr9QGzknBqwwDgYDVR0PAQH/BAQDAgEGMBIGA1UdEwEB/wQIMAYBAf8C' +
  'AQEwCgYIKoZIzj0EAwIDSQAwRgIhAOW/5QkR+S9CiSDcNoowLuPRLsWGf/Yi7GSX94BgwTwgAiEA' +
  '4J0lrHoMs+Xo5o/sX6O9QWxHRAvZUGOdRQ7cvqRXaqI='

/** The Intel SGX Root CA certificate in DER: the default (and only) hardware root of a production policy. */
export const INTEL_SGX_ROOT_CA_DER: Uint8Array = new Uint8Array(
  Buffer.from(INTEL_SGX_ROOT_CA_BASE64, 'base64'),
)

/** Marker in the subject of every certificate the simulated enclave issues (informative only: never trusted by itself). */
export const SIMULATED_CERT_MARKER = 'rollup-mesh SIMULATED'

/** A root given as PEM text or DER bytes. */
export type CertificateInput = string | Uint8Array

const PEM_RE = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*?)-----END CERTIFICATE-----/g

/**
 * Splits type-5 certification data (concatenated PEM, optionally NUL-terminated
 * as Intel's QE writes it) into DER certificates. Anything but whitespace and
 * trailing NULs between the blocks is rejected.
 */
export function splitPemChain(data: Uint8Array | string): Uint8Array[] {
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('latin1')
  const ders: Uint8Array[] = []
  let last = 0
  for (const m of text.matchAll(PEM_RE)) {
    if (text.slice(last, m.index).trim() !== '')
      throw new CertificateFormatError('unexpected text between PEM blocks')
    const b64 = m[1]!.replace(/\s+/g, '')
    const der = Buffer.from(b64, 'base64')
    if (der.toString('base64') !== b64) throw new CertificateFormatError('PEM block is not canonical base64')
    ders.push(new Uint8Array(der))
    last = m.index + m[0].length
  }
  if (text.slice(last).replace(/\0+$/, '').trim() !== '')
    throw new CertificateFormatError('unexpected text after the last PEM block')
  return ders
}

/**
 * True when `data` is exactly the canonical PEM of `ders` (64-column base64, LF
 * line ends, no other text), optionally followed by one NUL, as Intel's QE
 * writes it. Rejecting every other spelling keeps quotes non-malleable: the
 * quote signature does not cover certification data, so two encodings of the
 * same chain would otherwise both verify.
 */
export function isCanonicalPemChain(data: Uint8Array, ders: readonly Uint8Array[]): boolean {
  const canonical = Buffer.from(ders.map(derToPem).join(''), 'latin1')
  const body =
    data.length === canonical.length + 1 && data[data.length - 1] === 0 ? data.subarray(0, -1) : data
  return bytesEqual(body, canonical)
}

export function toDer(cert: CertificateInput): Uint8Array {
  if (typeof cert !== 'string') return cert
  const ders = splitPemChain(cert)
  if (ders.length !== 1) throw new CertificateFormatError(`expected one PEM certificate, got ${ders.length}`)
  return ders[0]!
}

export function derToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64')
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0
}

export type ChainFailure =
  | { kind: 'parse'; reason: string }
  | { kind: 'chain'; reason: string }
  | { kind: 'time'; reason: string }

/**
 * Verifies `chain` (leaf first) link by link: each certificate names and is
 * signed by the next, every issuer is a CA, and all are valid at `now`. The
 * last certificate must be self-signed (the root); whether that root is trusted
 * is the caller's decision.
 */
export function verifyChainLinks(chain: readonly X509Certificate[], now: Date): ChainFailure | null {
  if (chain.length < 2)
    return { kind: 'chain', reason: `chain has ${chain.length} certificate(s), expected at least 2` }
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i]!
    const issuer = chain[i + 1] ?? cert
    const what = i === 0 ? 'leaf' : i === chain.length - 1 ? 'root' : `intermediate ${i}`
    if (!cert.checkIssued(issuer))
      return { kind: 'chain', reason: `${what} certificate is not issued by the next` }
    if (i > 0 && !cert.ca) return { kind: 'chain', reason: `${what} certificate is not a CA` }
    if (!cert.verify(issuer.publicKey))
      return { kind: 'chain', reason: `${what} certificate signature is invalid` }
    const from = Date.parse(cert.validFrom)
    const to = Date.parse(cert.validTo)
    if (!(now.getTime() >= from && now.getTime() <= to)) {
      return {
        kind: 'time',
        reason: `${what} certificate is valid ${cert.validFrom} to ${cert.validTo}, not at ${now.toISOString()}`,
      }
    }
  }
  return null
}

/**
 * Parses DER certificates, each exactly one certificate: node:crypto's parser ignores bytes after the
 * outer SEQUENCE, so a certificate with trailing bytes (a base64 `=` pad turned into a letter adds one) would
 * otherwise verify as the same certificate from different bytes — a malleable quote.
 */
export function parseCertificates(ders: readonly Uint8Array[]): X509Certificate[] {
  return ders.map((d, i) => {
    const cert = new X509Certificate(d)
    if (!bytesEqual(new Uint8Array(cert.raw), d))
      throw new CertificateFormatError(
        `certificate ${i} has ${d.length - cert.raw.length} byte(s) after its DER encoding`,
      )
    return cert
  })
}
