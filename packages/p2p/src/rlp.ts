import { RLP } from '@ethereumjs/rlp'
import { bytesToHex, type Hex } from '@rollup-mesh/core'
import { InvalidMessageError } from './errors.js'

/** A decoded RLP item: bytes or a list of items. */
export type RLPItem = Uint8Array | RLPItem[]

/** Strict RLP decode of a whole buffer (non-canonical lengths and trailing bytes throw). */
export function rlpDecode(what: string, data: Uint8Array): RLPItem {
  try {
    return RLP.decode(data) as RLPItem
  } catch (cause) {
    throw new InvalidMessageError({
      what,
      field: '(rlp)',
      expected: `canonical RLP (${cause instanceof Error ? cause.message : String(cause)})`,
    })
  }
}

export function asList(what: string, field: string, item: RLPItem | undefined, length?: number): RLPItem[] {
  if (!Array.isArray(item)) throw new InvalidMessageError({ what, field, expected: 'an RLP list' })
  if (length !== undefined && item.length !== length)
    throw new InvalidMessageError({
      what,
      field,
      expected: `an RLP list of exactly ${length} items, got ${item.length}`,
    })
  return item
}

export function asBytes(
  what: string,
  field: string,
  item: RLPItem | undefined,
  maxLength?: number,
): Uint8Array {
  if (!(item instanceof Uint8Array)) throw new InvalidMessageError({ what, field, expected: 'a byte string' })
  if (maxLength !== undefined && item.length > maxLength)
    throw new InvalidMessageError({ what, field, expected: `at most ${maxLength} bytes, got ${item.length}` })
  return item
}

export function asFixed(what: string, field: string, item: RLPItem | undefined, length: number): Hex {
  const bytes = asBytes(what, field, item)
  if (bytes.length !== length)
    throw new InvalidMessageError({ what, field, expected: `exactly ${length} bytes, got ${bytes.length}` })
  return bytesToHex(bytes)
}

/** A canonical big-endian unsigned integer: no leading zero byte, zero is the empty string. */
export function asUint(what: string, field: string, item: RLPItem | undefined, maxBytes: number): bigint {
  const bytes = asBytes(what, field, item)
  if (bytes.length > maxBytes)
    throw new InvalidMessageError({ what, field, expected: `an integer of at most ${maxBytes} bytes` })
  if (bytes.length > 0 && bytes[0] === 0)
    throw new InvalidMessageError({ what, field, expected: 'a canonical integer (no leading zero bytes)' })
  let value = 0n
  for (const b of bytes) value = (value << 8n) | BigInt(b)
  return value
}

export function asSafeNumber(what: string, field: string, item: RLPItem | undefined): number {
  const value = asUint(what, field, item, 6)
  return Number(value)
}

export function asString(what: string, field: string, item: RLPItem | undefined, maxLength: number): string {
  const bytes = asBytes(what, field, item, maxLength)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new InvalidMessageError({ what, field, expected: 'UTF-8 text' })
  }
}

export function rlpEncode(item: unknown): Uint8Array {
  return RLP.encode(item as Parameters<typeof RLP.encode>[0])
}
