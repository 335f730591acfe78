/**
 * The decoded shape of an Intel DCAP ECDSA quote (SGX v3, v4 and v5; TDX v4 and v5, with TDX 1.0 or 1.5
 * bodies). v5 puts a body descriptor (type u16, size u32) between header and body; the decoded body's
 * `type` says which report it is (`sgx` = descriptor type 1, `tdx` = 2, `tdx15` = 3). Decoding is lossless (reserved
 * fields are kept), so `encodeQuote(decodeQuote(b))` returns `b` byte for byte: decode.ts, encode.ts.
 */

export type QuoteHeader = {
  /** 3 (SGX), 4 (SGX or TDX) or 5 (SGX or TDX, with a body descriptor). */
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

/** The 648-byte TDX 1.5 TD report body (v5 body type 3): the TDX 1.0 body and two fields. */
export type Td15ReportBody = TdReportBody & {
  /** 16 bytes: the TEE TCB SVN of the TDX module a TD was migrated or relaunched from (TDX 1.5). */
  teeTcbSvn2: Uint8Array
  /** 48 bytes: the measurement of the service TD bound to this TD (zero when none). */
  mrServiceTd: Uint8Array
}

export type QuoteBody =
  | { type: 'sgx'; report: SgxReportBody }
  | { type: 'tdx'; report: TdReportBody }
  | { type: 'tdx15'; report: Td15ReportBody }

/** The kinds of quote body: `sgx` (SGX report), `tdx` (TDX 1.0 TD report), `tdx15` (TDX 1.5 TD report). */
export type QuoteBodyKind = QuoteBody['type']

export type CertificationData = { type: number; data: Uint8Array }

/** The ECDSA quote signature data (v3's flat layout and v4's nested one decode to the same shape). */
export type QuoteSignatureData = {
  /** r || s over header || body (v5: header || body descriptor || body), 64 bytes. */
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

/** Where the parts of a decoded quote lie in its bytes (for verifying signatures over the exact bytes). */
export type QuoteLayout = {
  /** header || body (v5: header || body descriptor || body): what the attestation key signs. */
  signedLength: number
  qeReportOffset: number
}
