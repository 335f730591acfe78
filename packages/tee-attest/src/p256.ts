import { createPublicKey, type KeyObject, verify as verifySignature } from 'node:crypto'
import { type Hex, hexToBytes } from '@rollup-mesh/core'

/** Bytes of a hex string or the bytes themselves. */
export function toBytes(value: Hex | Uint8Array): Uint8Array {
  return typeof value === 'string' ? hexToBytes(value) : value
}

/** A P-256 public key from its raw 64-byte `x || y` encoding (how DCAP quotes carry keys). */
export function p256Key(raw: Uint8Array): KeyObject {
  return createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: Buffer.from(raw.subarray(0, 32)).toString('base64url'),
      y: Buffer.from(raw.subarray(32, 64)).toString('base64url'),
    },
    format: 'jwk',
  })
}

/** Whether `signature` (raw `r || s`, 64 bytes) is a valid ECDSA-P256-SHA256 signature of `data`; false on any error. */
export function rawVerify(data: Uint8Array, key: KeyObject, signature: Uint8Array): boolean {
  try {
    return verifySignature('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
  } catch {
    return false
  }
}
