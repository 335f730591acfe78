import { createRequire } from 'node:module'
import { keccak256 } from '@rollup-mesh/core'
import { type Address, type Hex, hexToBytes, recoverAddress } from 'viem'

type NativeSecp256k1 = {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array
}

let native: NativeSecp256k1 | null | undefined

/** The native `secp256k1` addon, or null when its prebuilt binary does not load here. */
export function nativeSecp256k1(): NativeSecp256k1 | null {
  if (native !== undefined) return native
  try {
    const require = createRequire(import.meta.url)
    // The package's own bindings.js loads only the prebuilt addon (no JS fallback).
    native = require('secp256k1/bindings.js') as NativeSecp256k1
  } catch {
    native = null
  }
  return native
}

/** Which secp256k1 implementation sender recovery uses. */
export function recoveryBackend(): 'native' | 'js' {
  return nativeSecp256k1() ? 'native' : 'js'
}

/**
 * Recovers the signer of `hash` from (r, s, recovery id), lower-case (the form the node keys senders by;
 * a checksum would cost one more keccak per transaction); native when available, else viem's pure JS.
 */
export async function recoverSigner(hash: Hex, r: Hex, s: Hex, recid: number): Promise<Address> {
  const lib = nativeSecp256k1()
  if (lib) {
    const sig = new Uint8Array(64)
    sig.set(hexToBytes(r, { size: 32 }), 0)
    sig.set(hexToBytes(s, { size: 32 }), 32)
    const pub = lib.ecdsaRecover(sig, recid, hexToBytes(hash), false)
    return `0x${keccak256(pub.subarray(1)).slice(26)}`
  }
  return (await recoverAddress({ hash, signature: { r, s, yParity: recid } })).toLowerCase() as Address
}
