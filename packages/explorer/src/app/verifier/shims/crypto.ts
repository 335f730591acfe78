import { p256 } from '@noble/curves/nist.js'
import { BrowserBuffer } from './buffer.js'
import { derChildren, derOid, derTime, readDer } from './der.js'
import { BrowserShimError } from './shimError.js'

/**
 * The part of `node:crypto` that tee-attest's quote verifier uses — SHA-256 (`createHash`), P-256 keys from
 * JWK (`createPublicKey`), ECDSA-P256-SHA256 `verify` (raw r‖s), and `X509Certificate` (subject, validity,
 * CA flag, issuer check, ECDSA-SHA256 signature) — over `@noble/curves`' P-256 and a small DER reader.
 * The explorer's Vite build aliases `node:crypto` to this module for the browser verifier.
 */

const sha256 = (p256 as unknown as { hash: (m: Uint8Array) => Uint8Array }).hash
const ECDSA_SHA256 = '1.2.840.10045.4.3.2'
const NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
}

const concat = (parts: Uint8Array[]) => BrowserBuffer.concat(parts)

/** `createHash('sha256')`: `update(...)` then `digest()` (bytes) or `digest('hex')`. */
export function createHash(algorithm: string) {
  if (algorithm !== 'sha256')
    throw new BrowserShimError(`createHash: only sha256 in the browser, not ${algorithm}`)
  const parts: Uint8Array[] = []
  const hash = {
    update(data: Uint8Array | string) {
      parts.push(typeof data === 'string' ? new TextEncoder().encode(data) : data)
      return hash
    },
    digest(encoding?: 'hex') {
      const out = BrowserBuffer.from(sha256(concat(parts)))
      return encoding === 'hex' ? out.toString('hex') : out
    },
  }
  return hash
}

/** A P-256 public key (uncompressed SEC1 point), what `X509Certificate.publicKey` and `createPublicKey` give. */
export class KeyObject {
  constructor(readonly point: Uint8Array) {}
  readonly type = 'public'
  readonly asymmetricKeyType = 'ec'
}

export function createPublicKey(input: {
  key: { kty: string; crv: string; x: string; y: string }
}): KeyObject {
  const { key } = input
  if (key.kty !== 'EC' || key.crv !== 'P-256')
    throw new BrowserShimError(`createPublicKey: only P-256 JWK keys, not ${key.kty}/${key.crv}`)
  const point = concat([
    Uint8Array.of(4),
    BrowserBuffer.from(key.x, 'base64url'),
    BrowserBuffer.from(key.y, 'base64url'),
  ])
  p256.Point.fromBytes(point).assertValidity()
  return new KeyObject(point)
}

/** `verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)` for P-256. */
export function verify(
  algorithm: string,
  data: Uint8Array,
  key: { key: KeyObject; dsaEncoding?: 'ieee-p1363' | 'der' } | KeyObject,
  signature: Uint8Array,
): boolean {
  if (algorithm !== 'sha256') throw new BrowserShimError(`verify: only sha256, not ${algorithm}`)
  const k = key instanceof KeyObject ? key : key.key
  const format = key instanceof KeyObject || key.dsaEncoding !== 'ieee-p1363' ? 'der' : 'compact'
  try {
    return p256.verify(signature, data, k.point, { format, lowS: false })
  } catch {
    return false
  }
}

function nameText(name: Uint8Array): string {
  const lines: string[] = []
  for (const rdn of derChildren(readDer(name)))
    for (const atv of derChildren(rdn)) {
      const [oid, value] = derChildren(atv)
      if (!oid || !value) continue
      lines.push(`${NAMES[derOid(oid)] ?? derOid(oid)}=${new TextDecoder().decode(value.body)}`)
    }
  return lines.join('\n')
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => BrowserBuffer.compare(a, b) === 0

/** An X.509 certificate (DER), read as far as the quote verifier needs. */
export class X509Certificate {
  readonly raw: Uint8Array
  readonly subject: string
  readonly issuer: string
  readonly validFrom: string
  readonly validTo: string
  readonly ca: boolean
  readonly publicKey: KeyObject
  private readonly tbs: Uint8Array
  private readonly subjectDer: Uint8Array
  private readonly issuerDer: Uint8Array
  private readonly sigAlg: string
  private readonly signature: Uint8Array

  constructor(der: Uint8Array) {
    const cert = readDer(der)
    this.raw = BrowserBuffer.from(cert.whole)
    const [tbs, sigAlg, sig] = derChildren(cert)
    if (!tbs || !sigAlg || !sig) throw new BrowserShimError('X509: not a certificate', 'BROWSER_DER')
    this.tbs = tbs.whole
    this.sigAlg = derOid(derChildren(sigAlg)[0]!)
    this.signature = sig.body.subarray(1) // BIT STRING: skip the unused-bits byte
    const fields = derChildren(tbs)
    const f = fields[0]!.tag === 0xa0 ? fields.slice(1) : fields // [0] version
    const [, , issuer, validity, subject, spki, ...rest] = f
    if (!issuer || !validity || !subject || !spki)
      throw new BrowserShimError('X509: truncated TBSCertificate', 'BROWSER_DER')
    this.issuerDer = issuer.whole
    this.subjectDer = subject.whole
    this.issuer = nameText(issuer.whole)
    this.subject = nameText(subject.whole)
    const [from, to] = derChildren(validity)
    this.validFrom = derTime(from!).toUTCString()
    this.validTo = derTime(to!).toUTCString()
    this.publicKey = new KeyObject(derChildren(spki)[1]!.body.subarray(1))
    let ca = false
    const ext = rest.find((n) => n.tag === 0xa3)
    if (ext)
      for (const e of derChildren(derChildren(ext)[0]!)) {
        const parts = derChildren(e)
        if (derOid(parts[0]!) !== '2.5.29.19') continue
        const value = readDer(parts.at(-1)!.body) // OCTET STRING holding BasicConstraints
        const first = derChildren(value)[0]
        ca = first?.tag === 0x01 && first.body[0] !== 0
      }
    this.ca = ca
  }

  /** Whether `issuer`'s subject is this certificate's issuer name. */
  checkIssued(issuer: X509Certificate): boolean {
    return sameBytes(this.issuerDer, issuer.subjectDer)
  }

  /** Whether `key` signed this certificate (ECDSA with SHA-256 only). */
  verify(key: KeyObject): boolean {
    if (this.sigAlg !== ECDSA_SHA256) return false
    try {
      return p256.verify(this.signature, this.tbs, key.point, { format: 'der', lowS: false })
    } catch {
      return false
    }
  }
}

export default { createHash, createPublicKey, verify, X509Certificate, KeyObject }
