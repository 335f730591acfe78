import type { Hex } from 'viem'
import { type DecodeOutcome, decodeOutcome } from '../decodeOutcome.js'
import { nestedDeeperThan } from './limits.js'

/** A request body parsed: invalid JSON, nested too deep, or the payload (a request or a batch). */
export type ParsedBody = { parseError: true } | { tooDeep: true } | { payload: unknown }

/** A body parsed on the ingress thread, with its `eth_sendRawTransaction` transactions decoded. */
export type IngressBody =
  | { parseError: true }
  | { tooDeep: true }
  | { payload: unknown; raws: Hex[]; outcomes: DecodeOutcome[] }

/** The method whose requests the ingress decodes. */
export const INGRESS_METHOD = 'eth_sendRawTransaction'

/**
 * Parses an HTTP request body as the RPC server does: UTF-8 (a BOM is kept, so it fails as JSON), JSON,
 * then the nesting-depth limit. The same function runs on the main thread and on the ingress thread, so
 * both refuse the same bodies with the same answers.
 *
 * @example
 * ```ts
 * parseRequestBody(Buffer.from('{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}'), 64) // { payload: {…} }
 * parseRequestBody(Buffer.from('{'), 64) // { parseError: true }
 * ```
 */
export function parseRequestBody(body: Uint8Array, maxDepth: number): ParsedBody {
  let payload: unknown
  try {
    payload = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'))
  } catch {
    return { parseError: true }
  }
  return nestedDeeperThan(payload, maxDepth) ? { tooDeep: true } : { payload }
}

/** The raw transaction of a request the ingress decodes ahead: `eth_sendRawTransaction` with one string. */
function rawOf(req: unknown): Hex | undefined {
  if (typeof req !== 'object' || req === null) return undefined
  const r = req as { method?: unknown; params?: unknown }
  if (r.method !== INGRESS_METHOD || !Array.isArray(r.params) || r.params.length !== 1) return undefined
  return typeof r.params[0] === 'string' ? (r.params[0] as Hex) : undefined
}

/**
 * The ingress thread's work on one body: `parseRequestBody`, then every `eth_sendRawTransaction` of the
 * payload decoded and its sender recovered (ecrecover, the expensive part). A batch above `maxBatchSize`
 * is parsed only (the main thread refuses it whole). What the main thread does with it is unchanged: it
 * dispatches the payload, and the pool's decode finds each transaction already done.
 *
 * @example
 * ```ts
 * const out = await parseIngressBody(body, 901n, { maxDepth: 64, maxBatchSize: 2_000 })
 * // { payload: [...], raws: ['0x02f8…', …], outcomes: [{ ok: { hash, from, … } }, …] }
 * ```
 */
export async function parseIngressBody(
  body: Uint8Array,
  chainId: bigint,
  limits: { maxDepth: number; maxBatchSize: number },
): Promise<IngressBody> {
  const parsed = parseRequestBody(body, limits.maxDepth)
  if (!('payload' in parsed)) return parsed
  const { payload } = parsed
  const requests = Array.isArray(payload) ? (payload.length <= limits.maxBatchSize ? payload : []) : [payload]
  const raws: Hex[] = []
  const outcomes: DecodeOutcome[] = []
  for (const req of requests) {
    const raw = rawOf(req)
    if (raw === undefined) continue
    raws.push(raw)
    outcomes.push(await decodeOutcome(raw, chainId))
  }
  return { payload, raws, outcomes }
}
