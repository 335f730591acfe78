import type { Value } from '../types.js'

/**
 * The simulation's block hashes: height, round, proposer and a salt in one 32-byte word, so a decided value
 * tells who proposed it. A salt of all ones marks an invalid block (what a Byzantine proposer sends).
 *
 * @example
 * ```ts
 * isValidSimValue(simValue(1, 0, 2, 0)) // true
 * isValidSimValue(simValue(1, 0, 2, INVALID_SALT)) // false
 * ```
 */
export function simValue(height: number, round: number, proposer: number, salt: bigint): Value {
  const w = (x: bigint) => x.toString(16).padStart(16, '0')
  return `0x${w(BigInt(height))}${w(BigInt(round))}${w(BigInt(proposer))}${w(salt)}`
}

export const INVALID_SALT = 0xffffffffffffffffn

export function isValidSimValue(value: Value): boolean {
  return value.length === 66 && !value.endsWith('ffffffffffffffff')
}
