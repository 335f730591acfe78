/**
 * Sizes and constants of the Intel DCAP ECDSA quote formats (Intel SGX ECDSA
 * Quote Library Reference, quote v3 and v4; TDX DCAP quote v4 and v5).
 */

/** Sizes of the DCAP quote parts, in bytes. */
export const QUOTE_HEADER_SIZE = 48
export const SGX_REPORT_BODY_SIZE = 384
/** TDX 1.0 TD report body (TDREPORT's TD-info part as carried in a v4 quote). */
export const TD_REPORT_BODY_SIZE = 584
/** TDX 1.5 TD report body: the TDX 1.0 body, then `tee_tcb_svn_2` (16) and `mr_servicetd` (48). */
export const TD15_REPORT_BODY_SIZE = 648
/** v5 only: the body descriptor between header and body (body type u16, body size u32). */
export const QUOTE_BODY_DESCRIPTOR_SIZE = 6
export const ECDSA_SIGNATURE_SIZE = 64
export const ECDSA_PUBLIC_KEY_SIZE = 64
export const REPORT_DATA_SIZE = 64

/** TEE type field of the quote header. */
export const TEE_TYPE = { sgx: 0x00000000, tdx: 0x00000081 } as const

/** v5 body descriptor types: which report the quote carries. */
export const QUOTE_BODY_TYPE = { sgx: 1, td10: 2, td15: 3 } as const

/** Body size in bytes for each v5 body type. */
export const QUOTE_BODY_SIZE: Record<number, number> = {
  [QUOTE_BODY_TYPE.sgx]: SGX_REPORT_BODY_SIZE,
  [QUOTE_BODY_TYPE.td10]: TD_REPORT_BODY_SIZE,
  [QUOTE_BODY_TYPE.td15]: TD15_REPORT_BODY_SIZE,
}

/** Attestation key type 2: ECDSA-256 with the P-256 curve (the only one DCAP uses). */
export const ATTESTATION_KEY_TYPE_ECDSA_P256 = 2

/** Certification data types. */
export const CERT_DATA_TYPE = {
  /** Concatenated PEM: PCK leaf, intermediate (Platform/Processor CA), root CA. */
  pckCertChain: 5,
  /** v4 only: QE report certification data (QE report, its signature, QE auth data, nested cert data). */
  qeReportCertificationData: 6,
} as const

/** Intel's QE vendor id (939a7233-f79c-4ca9-940a-0db3957f0607). */
export const INTEL_QE_VENDOR_ID = '0x939a7233f79c4ca9940a0db3957f0607' as const

/** SGX ATTRIBUTES.FLAGS bit 1: the enclave runs in debug mode (its memory is readable). */
export const SGX_ATTRIBUTE_DEBUG = 0x02
