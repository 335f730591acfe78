import { type Hex, hexToBytes, InvalidParameterError, keccak256 } from '@rollup-mesh/core'

/**
 * Report data a settlement quote carries: `keccak256(settlementHeader) || 0^32`
 * (64 bytes). `settlementHeader` is the header's canonical encoding as the
 * settlement builder defines it (ABI encoding, so the Settlement contract can
 * recompute the hash); keccak256 because the EVM has it as an opcode.
 */
export function reportDataForSettlement(settlementHeader: Uint8Array | Hex): Uint8Array {
  return reportDataFromHash(keccak256(settlementHeader))
}

/** `hash || 0^32` for a 32-byte hash. */
export function reportDataFromHash(hash: Hex | Uint8Array): Uint8Array {
  const bytes = typeof hash === 'string' ? hexToBytes(hash) : hash
  if (bytes.length !== 32) throw new InvalidParameterError({ param: 'hash', expected: '32 bytes', got: hash })
  const out = new Uint8Array(64)
  out.set(bytes, 0)
  return out
}
