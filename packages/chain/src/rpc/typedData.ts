import type { TypedDataDefinition } from 'viem'
import { RPCError, RPCErrorCode } from '../errors.js'
import { invalidParam } from './params.js'

type TypedFields = Record<string, readonly { name: string; type: string }[]>

const bad = (i: number, what: string) =>
  new RPCError(RPCErrorCode.invalidParams, `invalid argument ${i}: ${what}`, { code: 'INVALID_TYPED_DATA' })

/**
 * One EIP-712 value with its integers as bigints: wallets send uints as decimal or hex strings (ethers
 * writes decimal strings), which viem's encoder would not read as numbers.
 */
function typedValue(types: TypedFields, type: string, value: unknown, path: string, i: number): unknown {
  const array = /^(.*)\[(\d*)\]$/.exec(type)
  if (array) {
    if (!Array.isArray(value)) throw bad(i, `${path} must be an array (${type})`)
    return value.map((v, k) => typedValue(types, array[1] as string, v, `${path}[${k}]`, i))
  }
  if (types[type]) return typedStruct(types, type, value, path, i)
  if (/^u?int\d*$/.test(type)) {
    if (typeof value === 'bigint') return value
    if (
      (typeof value === 'number' && Number.isSafeInteger(value)) ||
      (typeof value === 'string' && /^(-?\d+|0x[0-9a-fA-F]+)$/.test(value))
    )
      return BigInt(value)
    throw bad(i, `${path} must be an integer (${type}) as a number or a decimal or hex string`)
  }
  return value
}

function typedStruct(types: TypedFields, type: string, value: unknown, path: string, i: number) {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad(i, `${path} must be an object (${type})`)
  const o = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const field of types[type] ?? [])
    out[field.name] = typedValue(types, field.type, o[field.name], `${path}.${field.name}`, i)
  return out
}

/**
 * `eth_signTypedData_v4`'s typed data (EIP-712): an object or its JSON, with `types`, `primaryType`, `domain`
 * and `message`, checked against its own `types` and returned as viem's `TypedDataDefinition` with integers
 * as bigints; without `EIP712Domain` in `types`, the domain's present fields decide it.
 *
 * @example
 * ```ts
 * const typed = paramTypedData([address, '{"types":{"M":[{"name":"n","type":"uint256"}]},"primaryType":"M","domain":{},"message":{"n":"7"}}'], 1)
 * typed.message // { n: 7n }
 * ```
 */
export function paramTypedData(params: readonly unknown[], i: number): TypedDataDefinition {
  let v = params[i]
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v)
    } catch {
      throw invalidParam(i, 'EIP-712 typed data (an object or its JSON)')
    }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw invalidParam(i, 'EIP-712 typed data (an object or its JSON)')
  const o = v as Record<string, unknown>
  if (typeof o.types !== 'object' || o.types === null || Array.isArray(o.types))
    throw bad(i, 'field "types" must be an object of struct definitions')
  for (const [name, fields] of Object.entries(o.types))
    if (
      !Array.isArray(fields) ||
      fields.some((f) => typeof f?.name !== 'string' || typeof f?.type !== 'string')
    )
      throw bad(i, `types.${name} must be a list of { name, type }`)
  const types = o.types as TypedFields
  if (typeof o.primaryType !== 'string' || !types[o.primaryType])
    throw bad(i, 'field "primaryType" must name one of "types"')
  const domainTypes: TypedFields = {
    ...types,
    EIP712Domain: types.EIP712Domain ?? [
      { name: 'name', type: 'string' },
      { name: 'version', type: 'string' },
      { name: 'chainId', type: 'uint256' },
      { name: 'verifyingContract', type: 'address' },
      { name: 'salt', type: 'bytes32' },
    ],
  }
  const domain = typedStruct(domainTypes, 'EIP712Domain', o.domain ?? {}, 'domain', i)
  for (const k of Object.keys(domain)) if (domain[k] === undefined) delete domain[k]
  return {
    types,
    primaryType: o.primaryType,
    domain,
    message: typedStruct(types, o.primaryType, o.message, 'message', i),
  } as TypedDataDefinition
}
