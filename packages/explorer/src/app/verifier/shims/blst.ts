import { bls12_381 } from '@noble/curves/bls12-381.js'
import { BrowserShimError } from './shimError.js'

/**
 * The part of `@chainsafe/blst`'s API that consensus's `bls.ts` uses, over `@noble/curves`' BLS12-381
 * (min-pk, the proof-of-possession DST that blst's binding fixes). The explorer's Vite build aliases
 * `@chainsafe/blst` (native) to this module, so the verifier runs consensus's own certificate code in the
 * browser. Verification only: signing keys never reach a page.
 */
const noble = bls12_381.longSignatures
const DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_'

type G1 = ReturnType<typeof noble.getPublicKey>
type G2 = ReturnType<typeof noble.Signature.fromBytes>

export class PublicKey {
  private constructor(readonly point: G1) {}
  static fromBytes(bytes: Uint8Array, _validate?: boolean): PublicKey {
    const point = bls12_381.G1.Point.fromBytes(bytes)
    point.assertValidity()
    if (point.is0()) throw new BrowserShimError('BLS public key is the point at infinity', 'BLS_BAD_KEY')
    return new PublicKey(point)
  }
  toBytes(compress = true): Uint8Array {
    return this.point.toBytes(compress)
  }
}

export class Signature {
  private constructor(readonly point: G2) {}
  static fromBytes(bytes: Uint8Array, _validate?: boolean): Signature {
    const point = noble.Signature.fromBytes(bytes)
    point.assertValidity()
    return new Signature(point)
  }
  static fromPoint(point: G2): Signature {
    return new Signature(point)
  }
  toBytes(_compress = true): Uint8Array {
    return noble.Signature.toBytes(this.point)
  }
}

/** Signing is not part of the verifier: blst's `SecretKey` factories refuse. */
export const SecretKey = {
  fromKeygen(_ikm: Uint8Array): never {
    throw new BrowserShimError('BLS signing is not part of the browser verifier')
  },
  fromBytes(_bytes: Uint8Array): never {
    throw new BrowserShimError('BLS signing is not part of the browser verifier')
  },
}

/** blst's `verify(msg, pk, sig, pkValidate, sigGroupcheck)`: false for a wrong signature. */
export function verify(msg: Uint8Array, pk: PublicKey, sig: Signature, _a?: boolean, _b?: boolean): boolean {
  return noble.verify(sig.point, noble.hash(msg, DST), pk.point)
}

/** blst's `fastAggregateVerify`: one message, the keys' sum against the aggregate signature. */
export function fastAggregateVerify(
  msg: Uint8Array,
  pks: readonly PublicKey[],
  sig: Signature,
  _sigGroupcheck?: boolean,
): boolean {
  if (pks.length === 0) return false
  const key = noble.aggregatePublicKeys(pks.map((k) => k.point))
  return noble.verify(sig.point, noble.hash(msg, DST), key)
}

export function aggregateSignatures(sigs: readonly Signature[], _groupcheck?: boolean): Signature {
  return Signature.fromPoint(noble.aggregateSignatures(sigs.map((s) => s.point)))
}
