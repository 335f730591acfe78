export {
  bytesEqual,
  type CertificateInput,
  derToPem,
  INTEL_SGX_ROOT_CA_DER,
  SIMULATED_CERT_MARKER,
  splitPemChain,
} from './certificates.js'
export { type Collateral, createDcapQvlBackend, type DcapQvlBackendOptions } from './dcap-backend.js'
export {
  createSimulatedEnclave,
  DEFAULT_SIMULATED_QUOTE_VERSION,
  type EnclaveStatus,
  SIMULATED_MR_SIGNER,
  SIMULATED_QE,
  SIMULATED_QUOTE_VERSIONS,
  SIMULATED_USER_DATA,
  type SimulatedEnclave,
  type SimulatedEnclaveOptions,
  type SimulatedQuoteVersion,
} from './enclave.js'
export { ENCLAVE_FILES } from './enclave-keys.js'
export {
  CertificateFormatError,
  EnclaveStateError,
  QuoteFormatError,
  QuoteVerificationError,
  UnsupportedQuoteError,
} from './errors.js'
export {
  ATTESTATION_KEY_TYPE_ECDSA_P256,
  CERT_DATA_TYPE,
  ECDSA_PUBLIC_KEY_SIZE,
  ECDSA_SIGNATURE_SIZE,
  INTEL_QE_VENDOR_ID,
  QUOTE_BODY_DESCRIPTOR_SIZE,
  QUOTE_BODY_SIZE,
  QUOTE_BODY_TYPE,
  QUOTE_HEADER_SIZE,
  REPORT_DATA_SIZE,
  SGX_ATTRIBUTE_DEBUG,
  SGX_REPORT_BODY_SIZE,
  TD_REPORT_BODY_SIZE,
  TD15_REPORT_BODY_SIZE,
  TEE_TYPE,
} from './layout.js'
export {
  canonicalJson,
  computeExecutorMeasurement,
  type ExecutorMeasurement,
  MEASUREMENT_DOMAIN,
  type MeasuredFile,
} from './measurement.js'
export {
  decodeQuoteVerifierOutput,
  encodeQuoteVerifierInput,
  PRECOMPILE_STATUS_BAD_INPUT,
  type PrecompilePolicy,
  type PrecompileResult,
  QUOTE_VERIFIER_BASE_GAS,
  QUOTE_VERIFIER_MAX_INPUT,
  QUOTE_VERIFIER_WORD_GAS,
  type QuoteVerifierOutput,
  quoteVerifierGas,
  runQuoteVerifierPrecompile,
  statusCode,
  statusFromCode,
} from './precompile.js'
export { quoteBodyType } from './quote/body.js'
export { decodeQuote, decodeQuoteWithLayout } from './quote/decode.js'
export { encodeQuote } from './quote/encode.js'
export { isDebugQuote, quoteMeasurement, quoteReportData } from './quote/inspect.js'
export { stripQuotePadding } from './quote/padding.js'
export { decodeSgxReport, encodeSgxReport } from './quote/report.js'
export type {
  CertificationData,
  Quote,
  QuoteBody,
  QuoteBodyKind,
  QuoteHeader,
  QuoteLayout,
  QuoteSignatureData,
  SgxReportBody,
  Td15ReportBody,
  TdReportBody,
} from './quote/types.js'
export { reportDataForSettlement, reportDataFromHash } from './report-data.js'
export { assertQuoteVerified, formatVerificationResult } from './verificationFormat.js'
export {
  type AttestationPolicy,
  type CollateralBackend,
  type CollateralOutcome,
  VERIFY_STATUSES,
  type VerificationResult,
  type VerifyFailureStatus,
  type VerifyStatus,
  verifyQuote,
} from './verifier.js'
