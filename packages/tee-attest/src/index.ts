/** Sizes of the Intel DCAP quote v4 parts, in bytes. */
export const QUOTE_HEADER_SIZE = 48
export const SGX_REPORT_BODY_SIZE = 384

/** TEE type field of the quote header. */
export const TEE_TYPE = { sgx: 0x00000000, tdx: 0x00000081 } as const
