import { QuoteFormatError, UnsupportedQuoteError } from './errors.js'
import {
  ATTESTATION_KEY_TYPE_ECDSA_P256,
  CERT_DATA_TYPE,
  ECDSA_PUBLIC_KEY_SIZE,
  ECDSA_SIGNATURE_SIZE,
  SGX_REPORT_BODY_SIZE,
  TD_REPORT_BODY_SIZE,
  TEE_TYPE,
} from './layout.js'

/**
 * Codec for Intel DCAP ECDSA quotes: SGX v3 and v4, TDX v4. Decoding is
 * strict (every length must add up, nothing may trail) and lossless (reserved
 * fields are kept), so `encodeQuote(decodeQuote(b))` returns `b` byte for byte.
 * Integers are little-endian, as on the wire.
 */

export type QuoteHeader = {
  /** 3 (SGX) or 4 (SGX or TDX). */
  version: number
  /** 2 = ECDSA-P256. */
  attestationKeyType: number
  /** 0 = SGX, 0x81 = TDX (v3 calls this field reserved and sets 0). */
  teeType: number
  qeSvn: number
  pceSvn: number
  /** 16 bytes. */
  qeVendorId: Uint8Array
  /** 20 bytes; the first 16 are the platform id in Intel's QE. */
  userData: Uint8Array
}

/** The 384-byte SGX report body (also the layout of the QE report). */
export type SgxReportBody = {
  cpuSvn: Uint8Array // 16
  miscSelect: number
  reserved1: Uint8Array // 28
  /** 16 bytes: FLAGS (u64 LE; bit 1 = DEBUG) then XFRM. */
  attributes: Uint8Array
  mrEnclave: Uint8Array // 32
  reserved2: Uint8Array // 32
  mrSigner: Uint8Array // 32
  reserved3: Uint8Array // 96
  isvProdId: number
  isvSvn: number
  reserved4: Uint8Array // 60
  reportData: Uint8Array // 64
}

/** The 584-byte TDX 1.0 TD report body. */
export type TdReportBody = {
  teeTcbSvn: Uint8Array // 16
  mrSeam: Uint8Array // 48
  mrSignerSeam: Uint8Array // 48
  seamAttributes: Uint8Array // 8
  /** 8 bytes; byte 0 is TUD (non-zero = debug). */
  tdAttributes: Uint8Array
  xfam: Uint8Array // 8
  mrTd: Uint8Array // 48
  mrConfigId: Uint8Array // 48
  mrOwner: Uint8Array // 48
  mrOwnerConfig: Uint8Array // 48
  rtmr0: Uint8Array // 48
  rtmr1: Uint8Array // 48
  rtmr2: Uint8Array // 48
  rtmr3: Uint8Array // 48
  reportData: Uint8Array // 64
}

export type QuoteBody = { type: 'sgx'; report: SgxReportBody } | { type: 'tdx'; report: TdReportBody }

export type CertificationData = { type: number; data: Uint8Array }

/** The ECDSA quote signature data (v3's flat layout and v4's nested one decode to the same shape). */
export type QuoteSignatureData = {
  /** r || s over header || body, 64 bytes. */
  signature: Uint8Array
  /** The attestation public key x || y, 64 bytes. */
  attestationKey: Uint8Array
  qeReport: SgxReportBody
  /** r || s of the QE report by the PCK key, 64 bytes. */
  qeReportSignature: Uint8Array
  qeAuthData: Uint8Array
  /** Type 5: PEM PCK chain (leaf, intermediate, root). */
  certificationData: CertificationData
}

export type Quote = { header: QuoteHeader; body: QuoteBody; signatureData: QuoteSignatureData }

type Field = [name: string, size: number]

const SGX_REPORT_FIELDS: Field[] = [
  ['cpuSvn', 16],
  ['miscSelect', 4],
  ['reserved1', 28],
  ['attributes', 16],
  ['mrEnclave', 32],
  ['reserved2', 32],
  ['mrSigner', 32],
  ['reserved3', 96],
  ['isvProdId', 2],
  ['isvSvn', 2],
  ['reserved4', 60],
  ['reportData', 64],
]

const TD_REPORT_FIELDS: Field[] = [
  ['teeTcbSvn', 16],
  ['mrSeam', 48],
  ['mrSignerSeam', 48],
  ['seamAttributes', 8],
  ['tdAttributes', 8],
  ['xfam', 8],
  ['mrTd', 48],
  ['mrConfigId', 48],
  ['mrOwner', 48],
  ['mrOwnerConfig', 48],
  ['rtmr0', 48],
  ['rtmr1', 48],
  ['rtmr2', 48],
  ['rtmr3', 48],
  ['reportData', 64],
]

const INT_FIELDS = new Set(['miscSelect', 'isvProdId', 'isvSvn'])

/** A bounds-checked little-endian reader whose errors name the field being read. */
class Reader {
  offset: number
  constructor(
    readonly bytes: Uint8Array,
    readonly end: number = bytes.length,
    start = 0,
  ) {
    this.offset = start
  }
  remaining(): number {
    return this.end - this.offset
  }
  take(size: number, field: string): Uint8Array {
    if (this.remaining() < size) {
      throw new QuoteFormatError({
        field,
        expected: `${size} bytes at offset ${this.offset}`,
        got: `${Math.max(0, this.remaining())} bytes (quote truncated)`,
      })
    }
    const out = this.bytes.slice(this.offset, this.offset + size)
    this.offset += size
    return out
  }
  u16(field: string): number {
    const b = this.take(2, field)
    return b[0]! | (b[1]! << 8)
  }
  u32(field: string): number {
    const b = this.take(4, field)
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0
  }
}

/** A little-endian writer over a growing list of chunks. */
class Writer {
  private chunks: Uint8Array[] = []
  private length = 0
  bytes(b: Uint8Array, size: number, field: string): this {
    if (b.length !== size) {
      throw new QuoteFormatError({ field, expected: `${size} bytes`, got: `${b.length} bytes` })
    }
    this.chunks.push(b)
    this.length += b.length
    return this
  }
  raw(b: Uint8Array): this {
    this.chunks.push(b)
    this.length += b.length
    return this
  }
  uint(value: number, size: 2 | 4, field: string): this {
    const max = size === 2 ? 0xffff : 0xffffffff
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new QuoteFormatError({
        field,
        expected: `an unsigned ${size * 8}-bit integer`,
        got: String(value),
      })
    }
    const b = new Uint8Array(size)
    for (let i = 0; i < size; i++) b[i] = (value >>> (8 * i)) & 0xff
    return this.raw(b)
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.length)
    let o = 0
    for (const c of this.chunks) {
      out.set(c, o)
      o += c.length
    }
    return out
  }
}

function readStruct<T>(r: Reader, fields: Field[], prefix: string): T {
  const out: Record<string, unknown> = {}
  for (const [name, size] of fields) {
    const field = `${prefix}.${name}`
    out[name] = INT_FIELDS.has(name) ? (size === 2 ? r.u16(field) : r.u32(field)) : r.take(size, field)
  }
  return out as T
}

function writeStruct(w: Writer, value: Record<string, unknown>, fields: Field[], prefix: string): void {
  for (const [name, size] of fields) {
    const field = `${prefix}.${name}`
    const v = value[name]
    if (INT_FIELDS.has(name)) w.uint(v as number, size as 2 | 4, field)
    else w.bytes(v as Uint8Array, size, field)
  }
}

/** Decodes a 384-byte SGX report body (a quote's body or a QE report). */
export function decodeSgxReport(bytes: Uint8Array, prefix = 'report'): SgxReportBody {
  const r = new Reader(bytes)
  const report = readStruct<SgxReportBody>(r, SGX_REPORT_FIELDS, prefix)
  if (r.remaining() !== 0) {
    throw new QuoteFormatError({
      field: prefix,
      expected: `${SGX_REPORT_BODY_SIZE} bytes`,
      got: `${bytes.length} bytes`,
    })
  }
  return report
}

export function encodeSgxReport(report: SgxReportBody, prefix = 'report'): Uint8Array {
  const w = new Writer()
  writeStruct(w, report, SGX_REPORT_FIELDS, prefix)
  return w.finish()
}

function encodeTdReport(report: TdReportBody, prefix: string): Uint8Array {
  const w = new Writer()
  writeStruct(w, report, TD_REPORT_FIELDS, prefix)
  return w.finish()
}

function decodeHeader(r: Reader): QuoteHeader {
  const header: QuoteHeader = {
    version: r.u16('header.version'),
    attestationKeyType: r.u16('header.attestationKeyType'),
    teeType: r.u32('header.teeType'),
    qeSvn: r.u16('header.qeSvn'),
    pceSvn: r.u16('header.pceSvn'),
    qeVendorId: r.take(16, 'header.qeVendorId'),
    userData: r.take(20, 'header.userData'),
  }
  checkHeader(header)
  return header
}

function checkHeader(h: QuoteHeader): void {
  if (h.version !== 3 && h.version !== 4) {
    throw new UnsupportedQuoteError({ field: 'header.version', expected: '3 or 4', got: h.version })
  }
  if (h.attestationKeyType !== ATTESTATION_KEY_TYPE_ECDSA_P256) {
    throw new UnsupportedQuoteError({
      field: 'header.attestationKeyType',
      expected: `${ATTESTATION_KEY_TYPE_ECDSA_P256} (ECDSA-P256)`,
      got: h.attestationKeyType,
    })
  }
  if (h.teeType !== TEE_TYPE.sgx && h.teeType !== TEE_TYPE.tdx) {
    throw new UnsupportedQuoteError({
      field: 'header.teeType',
      expected: '0 (SGX) or 0x81 (TDX)',
      got: h.teeType,
    })
  }
  if (h.teeType === TEE_TYPE.tdx && h.version !== 4) {
    throw new UnsupportedQuoteError({
      field: 'header.version',
      expected: '4 for a TDX quote',
      got: h.version,
    })
  }
}

/** Where the parts of a decoded quote lie in its bytes (for verifying signatures over the exact bytes). */
export type QuoteLayout = {
  /** header || body: what the attestation key signs. */
  signedLength: number
  qeReportOffset: number
}

/** Decodes a quote and reports where its signed parts lie. */
export function decodeQuoteWithLayout(bytes: Uint8Array): { quote: Quote; layout: QuoteLayout } {
  if (!(bytes instanceof Uint8Array)) {
    throw new QuoteFormatError({ field: 'quote', expected: 'a Uint8Array', got: typeof bytes })
  }
  const r = new Reader(bytes)
  const header = decodeHeader(r)
  const body: QuoteBody =
    header.teeType === TEE_TYPE.tdx
      ? { type: 'tdx', report: readStruct<TdReportBody>(r, TD_REPORT_FIELDS, 'body') }
      : { type: 'sgx', report: readStruct<SgxReportBody>(r, SGX_REPORT_FIELDS, 'body') }
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
  if (header.version === 4) {
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
  if (header.version === 4) s.offset = qe.offset
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

/** Decodes a DCAP quote; throws `QuoteFormatError`/`UnsupportedQuoteError` naming the bad field. */
export function decodeQuote(bytes: Uint8Array): Quote {
  return decodeQuoteWithLayout(bytes).quote
}

/** The bytes the attestation key signs: header || body. */
export function encodeQuoteSignedPart(header: QuoteHeader, body: QuoteBody): Uint8Array {
  checkHeader(header)
  if ((header.teeType === TEE_TYPE.tdx) !== (body.type === 'tdx')) {
    throw new QuoteFormatError({
      field: 'body',
      expected: `a ${header.teeType === TEE_TYPE.tdx ? 'TD' : 'SGX'} report for header.teeType ${header.teeType}`,
      got: `a ${body.type} report`,
    })
  }
  const w = new Writer()
    .uint(header.version, 2, 'header.version')
    .uint(header.attestationKeyType, 2, 'header.attestationKeyType')
    .uint(header.teeType, 4, 'header.teeType')
    .uint(header.qeSvn, 2, 'header.qeSvn')
    .uint(header.pceSvn, 2, 'header.pceSvn')
    .bytes(header.qeVendorId, 16, 'header.qeVendorId')
    .bytes(header.userData, 20, 'header.userData')
  w.raw(body.type === 'tdx' ? encodeTdReport(body.report, 'body') : encodeSgxReport(body.report, 'body'))
  return w.finish()
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
  if (version === 4) {
    w.uint(CERT_DATA_TYPE.qeReportCertificationData, 2, 'signatureData.certificationDataType')
    w.uint(qe.length, 4, 'signatureData.certificationDataSize')
  }
  return w.raw(qe).finish()
}

/** Encodes a quote; the inverse of `decodeQuote`. */
export function encodeQuote(quote: Quote): Uint8Array {
  const signed = encodeQuoteSignedPart(quote.header, quote.body)
  const sig = encodeSignatureData(quote.header.version, quote.signatureData)
  return new Writer().raw(signed).uint(sig.length, 4, 'signatureDataLength').raw(sig).finish()
}

/** The measurement a policy allow-lists: mr_enclave (32 bytes) for SGX, mr_td (48 bytes) for TDX. */
export function quoteMeasurement(quote: Quote): Uint8Array {
  return quote.body.type === 'sgx' ? quote.body.report.mrEnclave : quote.body.report.mrTd
}

export function quoteReportData(quote: Quote): Uint8Array {
  return quote.body.report.reportData
}

/** True when the enclave (SGX ATTRIBUTES.DEBUG) or TD (TUD byte) runs in debug mode. */
export function isDebugQuote(quote: Quote): boolean {
  return quote.body.type === 'sgx'
    ? (quote.body.report.attributes[0]! & 0x02) !== 0
    : quote.body.report.tdAttributes[0]! !== 0
}

// Static size checks so a typo in the field tables fails at import, not at verify time.
const sum = (fields: Field[]) => fields.reduce((n, [, s]) => n + s, 0)
if (sum(SGX_REPORT_FIELDS) !== SGX_REPORT_BODY_SIZE || sum(TD_REPORT_FIELDS) !== TD_REPORT_BODY_SIZE) {
  throw new QuoteFormatError({ field: 'layout', expected: 'DCAP report sizes', got: 'a broken field table' })
}

/**
 * Removes zero padding after a quote's declared end. TDX quote generation
 * returns quotes in a fixed-size, zero-filled buffer (the TDX sample carries
 * 70 such bytes); `decodeQuote` and `verifyQuote` reject any trailing byte, so
 * callers taking quotes from such a source normalise them here first. Returns
 * the input unchanged when it is shorter than its declared length or when any
 * trailing byte is non-zero (the decoder then reports it).
 */
export function stripQuotePadding(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 8) return bytes
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const teeType = view.getUint32(4, true)
  const signedLength = 48 + (teeType === TEE_TYPE.tdx ? TD_REPORT_BODY_SIZE : SGX_REPORT_BODY_SIZE)
  if (bytes.length < signedLength + 4) return bytes
  const end = signedLength + 4 + view.getUint32(signedLength, true)
  if (end >= bytes.length || bytes.subarray(end).some((b) => b !== 0)) return bytes
  return bytes.subarray(0, end)
}
