import type { Quote } from './types.js'

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
