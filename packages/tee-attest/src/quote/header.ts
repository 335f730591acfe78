import { UnsupportedQuoteError } from '../errors.js'
import { ATTESTATION_KEY_TYPE_ECDSA_P256, TEE_TYPE } from '../layout.js'
import type { Reader } from './reader.js'
import type { QuoteHeader } from './types.js'
import type { Writer } from './writer.js'

/** Reads and checks the 48-byte quote header. */
export function decodeQuoteHeader(r: Reader): QuoteHeader {
  const header: QuoteHeader = {
    version: r.u16('header.version'),
    attestationKeyType: r.u16('header.attestationKeyType'),
    teeType: r.u32('header.teeType'),
    qeSvn: r.u16('header.qeSvn'),
    pceSvn: r.u16('header.pceSvn'),
    qeVendorId: r.take(16, 'header.qeVendorId'),
    userData: r.take(20, 'header.userData'),
  }
  checkQuoteHeader(header)
  return header
}

/** Refuses a version, key type or TEE type this package does not verify (`UnsupportedQuoteError`). */
export function checkQuoteHeader(h: QuoteHeader): void {
  if (h.version !== 3 && h.version !== 4 && h.version !== 5) {
    throw new UnsupportedQuoteError({ field: 'header.version', expected: '3, 4 or 5', got: h.version })
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
  if (h.teeType === TEE_TYPE.tdx && h.version !== 4 && h.version !== 5) {
    throw new UnsupportedQuoteError({
      field: 'header.version',
      expected: '4 or 5 for a TDX quote',
      got: h.version,
    })
  }
}

/** Writes the 48-byte quote header (the caller checks it first). */
export function writeQuoteHeader(w: Writer, header: QuoteHeader): Writer {
  return w
    .uint(header.version, 2, 'header.version')
    .uint(header.attestationKeyType, 2, 'header.attestationKeyType')
    .uint(header.teeType, 4, 'header.teeType')
    .uint(header.qeSvn, 2, 'header.qeSvn')
    .uint(header.pceSvn, 2, 'header.pceSvn')
    .bytes(header.qeVendorId, 16, 'header.qeVendorId')
    .bytes(header.userData, 20, 'header.userData')
}
