import {
  QUOTE_BODY_DESCRIPTOR_SIZE,
  QUOTE_HEADER_SIZE,
  SGX_REPORT_BODY_SIZE,
  TD_REPORT_BODY_SIZE,
  TEE_TYPE,
} from '../layout.js'

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
  let signedLength =
    QUOTE_HEADER_SIZE + (teeType === TEE_TYPE.tdx ? TD_REPORT_BODY_SIZE : SGX_REPORT_BODY_SIZE)
  if (view.getUint16(0, true) === 5) {
    // v5: the body descriptor says how long the body is.
    if (bytes.length < QUOTE_HEADER_SIZE + QUOTE_BODY_DESCRIPTOR_SIZE) return bytes
    signedLength =
      QUOTE_HEADER_SIZE + QUOTE_BODY_DESCRIPTOR_SIZE + view.getUint32(QUOTE_HEADER_SIZE + 2, true)
  }
  if (bytes.length < signedLength + 4) return bytes
  const end = signedLength + 4 + view.getUint32(signedLength, true)
  if (end >= bytes.length || bytes.subarray(end).some((b) => b !== 0)) return bytes
  return bytes.subarray(0, end)
}
