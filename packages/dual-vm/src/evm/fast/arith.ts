/** 256-bit word arithmetic on BigInt, as the EVM defines it (two's complement for the signed opcodes). */
export const MAX_U256 = (1n << 256n) - 1n
const SIGN_BIT = 1n << 255n
const TWO_256 = 1n << 256n

export function toSigned(v: bigint): bigint {
  return v & SIGN_BIT ? v - TWO_256 : v
}

export function fromSigned(v: bigint): bigint {
  return v < 0n ? v + TWO_256 : v
}

export function sdiv(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n
  const x = toSigned(a)
  const y = toSigned(b)
  return fromSigned(x / y) & MAX_U256 // BigInt division truncates toward zero, as the EVM does
}

export function smod(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n
  return fromSigned(toSigned(a) % toSigned(b))
}

export function exp(base: bigint, exponent: bigint): bigint {
  let result = 1n
  let b = base
  let e = exponent
  while (e > 0n) {
    if (e & 1n) result = (result * b) & MAX_U256
    b = (b * b) & MAX_U256
    e >>= 1n
  }
  return result
}

/** Bytes in the exponent (EXP's dynamic gas is 50 per byte). */
export function byteLength(v: bigint): number {
  return v === 0n ? 0 : Math.ceil(v.toString(16).length / 2)
}

export function signextend(k: bigint, v: bigint): bigint {
  if (k >= 31n) return v
  const bit = Number(k) * 8 + 7
  const mask = (1n << BigInt(bit + 1)) - 1n
  return (v >> BigInt(bit)) & 1n ? v | (MAX_U256 ^ mask) : v & mask
}

export function byteAt(i: bigint, v: bigint): bigint {
  if (i >= 32n) return 0n
  return (v >> (8n * (31n - i))) & 0xffn
}

export function shl(shift: bigint, v: bigint): bigint {
  return shift >= 256n ? 0n : (v << shift) & MAX_U256
}

export function shr(shift: bigint, v: bigint): bigint {
  return shift >= 256n ? 0n : v >> shift
}

export function sar(shift: bigint, v: bigint): bigint {
  const negative = (v & SIGN_BIT) !== 0n
  if (shift >= 256n) return negative ? MAX_U256 : 0n
  return fromSigned(toSigned(v) >> shift)
}

export function slt(a: bigint, b: bigint): boolean {
  return toSigned(a) < toSigned(b)
}

/** EIP-7939 CLZ: leading zero bits of a word (256 for zero). */
export function clz(v: bigint): bigint {
  return v === 0n ? 256n : BigInt(256 - v.toString(2).length)
}
