import { type Address, type Hex, isAddress } from 'viem'
import { RPCError, RPCErrorCode } from '../errors.js'

/** -32602 naming the argument and what was expected. */
export function invalidParam(index: number, expected: string): RPCError {
  return new RPCError(RPCErrorCode.invalidParams, `invalid argument ${index}: expected ${expected}`)
}

export function expectCount(params: readonly unknown[], min: number, max: number): void {
  if (params.length < min || params.length > max)
    throw new RPCError(
      RPCErrorCode.invalidParams,
      min === max
        ? `invalid params: expected ${min} argument${min === 1 ? '' : 's'}, got ${params.length}`
        : `invalid params: expected ${min} to ${max} arguments, got ${params.length}`,
    )
}

export function paramAddress(params: readonly unknown[], i: number): Address {
  const v = params[i]
  if (typeof v !== 'string' || !isAddress(v, { strict: false }))
    throw invalidParam(i, 'a 20-byte hex address')
  return v.toLowerCase() as Address
}

export function paramHex(params: readonly unknown[], i: number, bytes?: number): Hex {
  const v = params[i]
  const ok =
    typeof v === 'string' &&
    /^0x[0-9a-fA-F]*$/.test(v) &&
    v.length % 2 === 0 &&
    (bytes === undefined || v.length === 2 + bytes * 2)
  if (!ok) throw invalidParam(i, bytes ? `0x-prefixed hex of ${bytes} bytes` : '0x-prefixed hex bytes')
  return (v as string).toLowerCase() as Hex
}

/** A JSON-RPC quantity: 0x-prefixed hex without leading zeros. */
export function parseQuantity(v: unknown, what: () => RPCError): bigint {
  if (typeof v !== 'string' || !/^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$/.test(v)) throw what()
  return BigInt(v)
}

export function paramQuantity(params: readonly unknown[], i: number): bigint {
  return parseQuantity(params[i], () => invalidParam(i, 'a hex quantity (0x-prefixed, no leading zeros)'))
}

/** A slot for eth_getStorageAt: any hex up to 32 bytes (clients send both padded and unpadded). */
export function paramSlot(params: readonly unknown[], i: number): Hex {
  const v = params[i]
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(v))
    throw invalidParam(i, 'a storage slot of up to 32 bytes')
  return `0x${v.slice(2).padStart(64, '0').toLowerCase()}` as Hex
}

export type BlockRef = { tag: 'latest' | 'earliest' | 'pending' } | { number: bigint } | { hash: Hex }

/** A block tag, number, or EIP-1898 object; absent = latest. */
export function paramBlock(params: readonly unknown[], i: number): BlockRef {
  const v = params[i]
  if (v === undefined || v === null) return { tag: 'latest' }
  if (typeof v === 'string') {
    if (v === 'latest' || v === 'safe' || v === 'finalized') return { tag: 'latest' }
    if (v === 'pending') return { tag: 'pending' }
    if (v === 'earliest') return { tag: 'earliest' }
    return {
      number: parseQuantity(v, () =>
        invalidParam(i, 'a block number or tag (latest, earliest, pending, safe, finalized)'),
      ),
    }
  }
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>
    if (typeof o.blockHash === 'string' && /^0x[0-9a-fA-F]{64}$/.test(o.blockHash))
      return { hash: o.blockHash.toLowerCase() as Hex }
    if (o.blockNumber !== undefined) return paramBlock([o.blockNumber], 0)
  }
  throw invalidParam(i, 'a block number, tag or {blockHash}')
}

export function paramBool(params: readonly unknown[], i: number, fallback: boolean): boolean {
  const v = params[i]
  if (v === undefined) return fallback
  if (typeof v !== 'boolean') throw invalidParam(i, 'a boolean')
  return v
}

export type CallRequest = {
  from?: Address
  to?: Address | null
  gas?: bigint
  gasPrice?: bigint
  maxFeePerGas?: bigint
  maxPriorityFeePerGas?: bigint
  value?: bigint
  data?: Hex
  nonce?: bigint
}

/** A transaction call object (eth_call, eth_estimateGas, eth_sendTransaction). */
export function paramCall(params: readonly unknown[], i: number): CallRequest {
  const v = params[i]
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw invalidParam(i, 'a transaction call object')
  const o = v as Record<string, unknown>
  const out: CallRequest = {}
  const bad = (field: string, expected: string) =>
    new RPCError(RPCErrorCode.invalidParams, `invalid argument ${i}: field "${field}" must be ${expected}`)
  const addr = (field: string): Address | undefined => {
    const x = o[field]
    if (x === undefined || x === null) return undefined
    if (typeof x !== 'string' || !isAddress(x, { strict: false })) throw bad(field, 'a 20-byte address')
    return x.toLowerCase() as Address
  }
  const qty = (field: string): bigint | undefined => {
    const x = o[field]
    if (x === undefined || x === null) return undefined
    return parseQuantity(x, () => bad(field, 'a hex quantity'))
  }
  const from = addr('from')
  if (from) out.from = from
  const to = addr('to')
  out.to = to ?? null
  for (const f of ['gas', 'gasPrice', 'maxFeePerGas', 'maxPriorityFeePerGas', 'value', 'nonce'] as const) {
    const q = qty(f)
    if (q !== undefined) out[f] = q
  }
  const input = o.input ?? o.data
  if (input !== undefined && input !== null) {
    if (typeof input !== 'string' || !/^0x[0-9a-fA-F]*$/.test(input) || input.length % 2 !== 0)
      throw bad('input', '0x-prefixed hex bytes')
    if (o.input !== undefined && o.data !== undefined && o.input !== o.data)
      throw bad('input', 'equal to "data" when both are given')
    out.data = input.toLowerCase() as Hex
  }
  return out
}

export type LogFilterParam = {
  fromBlock?: BlockRef
  toBlock?: BlockRef
  blockHash?: Hex
  addresses: Address[]
  topics: (Hex[] | null)[]
}

/** An eth_getLogs / logs-subscription filter. */
export function paramLogFilter(params: readonly unknown[], i: number): LogFilterParam {
  const v = params[i] ?? {}
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidParam(i, 'a log filter object')
  const o = v as Record<string, unknown>
  const out: LogFilterParam = { addresses: [], topics: [] }
  if (o.address !== undefined && o.address !== null) {
    const list = Array.isArray(o.address) ? o.address : [o.address]
    for (const a of list) {
      if (typeof a !== 'string' || !isAddress(a, { strict: false }))
        throw new RPCError(
          RPCErrorCode.invalidParams,
          `invalid argument ${i}: address must be a 20-byte address or a list of them`,
        )
      out.addresses.push(a.toLowerCase() as Address)
    }
  }
  if (o.topics !== undefined && o.topics !== null) {
    if (!Array.isArray(o.topics) || o.topics.length > 4)
      throw new RPCError(
        RPCErrorCode.invalidParams,
        `invalid argument ${i}: topics must be a list of at most 4 entries`,
      )
    for (const t of o.topics) {
      if (t === null) out.topics.push(null)
      else {
        const alts = Array.isArray(t) ? t : [t]
        for (const x of alts)
          if (typeof x !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(x))
            throw new RPCError(
              RPCErrorCode.invalidParams,
              `invalid argument ${i}: each topic must be 32-byte hex or null`,
            )
        out.topics.push(alts.length ? alts.map((x: string) => x.toLowerCase() as Hex) : null)
      }
    }
  }
  if (o.blockHash !== undefined) {
    if (typeof o.blockHash !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(o.blockHash))
      throw new RPCError(RPCErrorCode.invalidParams, `invalid argument ${i}: blockHash must be 32-byte hex`)
    if (o.fromBlock !== undefined || o.toBlock !== undefined)
      throw new RPCError(
        RPCErrorCode.invalidParams,
        `invalid argument ${i}: blockHash excludes fromBlock/toBlock`,
      )
    out.blockHash = o.blockHash.toLowerCase() as Hex
  }
  if (o.fromBlock !== undefined) out.fromBlock = paramBlock([o.fromBlock], 0)
  if (o.toBlock !== undefined) out.toBlock = paramBlock([o.toBlock], 0)
  return out
}

/**
 * A position or count: a non-negative safe integer, as a JSON number or a hex quantity; `undefined` when
 * absent (or null) and `optional`.
 */
export function paramIndex(params: readonly unknown[], i: number, optional: true): number | undefined
export function paramIndex(params: readonly unknown[], i: number, optional?: false): number
export function paramIndex(params: readonly unknown[], i: number, optional = false): number | undefined {
  const v = params[i]
  if (optional && (v === undefined || v === null)) return undefined
  const bad = () => invalidParam(i, 'a non-negative integer (a number or a hex quantity)')
  const n = typeof v === 'string' ? Number(parseQuantity(v, bad)) : v
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw bad()
  return n
}

/** One of `values`; `undefined` when absent (or null). */
export function paramOneOf<const T extends string>(
  params: readonly unknown[],
  i: number,
  values: readonly T[],
): T | undefined {
  const v = params[i]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
    throw invalidParam(i, `one of ${values.join(', ')}`)
  return v as T
}
