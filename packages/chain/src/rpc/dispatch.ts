import { type Logger, nextTurn } from '@rollup-mesh/core'
import { RPCError, RPCErrorCode } from '../errors.js'
import { clampMessage, defaultRPCLimits } from './limits.js'
import type { ReadRouter } from './readRouter.js'
import type { RPCContext, RPCMethods } from './server.js'
import { isUnsafeMethod, type UnsafeMethodsPolicy, unsafeMethodRefused } from './unsafeMethods.js'

export type JSONRPCRequest = { jsonrpc: '2.0'; id?: string | number | null; method: string; params?: unknown }
export type JSONRPCResponse =
  | { jsonrpc: '2.0'; id: string | number | null; result: unknown }
  | { jsonrpc: '2.0'; id: string | number | null; error: { code: number; message: string; data?: unknown } }

export type DispatchOptions = {
  maxBatchSize: number
  log: Logger
  unsafe?: UnsafeMethodsPolicy | undefined
  /** Read methods answered by the read workers (`createReadRouter`); absent: every method runs here. */
  reads?: ReadRouter | undefined
}

/**
 * Requests of a batch started in one event-loop turn. A 1,000-request batch of refusals and cheap reads
 * costs the thread tens of ms in one piece; in slices of 100, a request from another connection waits for
 * at most a slice of it (measured: test/soak/README.md, session 13).
 */
export const BATCH_SLICE = 100

/** The error answer of a batch longer than `max` (from `dispatchRPC`, or a scan of the bytes before parsing). */
export function batchTooLarge(length: number, max: number): JSONRPCResponse {
  return errorObject(null, RPCErrorCode.invalidRequest, `batch too large: ${length} requests, limit ${max}`)
}

/** A JSON-RPC error answer built directly (no `Error`, no stack captured): the refusals of bad envelopes. */
function errorObject(id: string | number | null, code: number, message: string): JSONRPCResponse {
  return {
    jsonrpc: '2.0',
    id,
    error: { code, message: clampMessage(message, defaultRPCLimits.maxErrorMessageChars) },
  }
}

/** The JSON-RPC error object of `err`: an `RPCError`'s code, message and data, else a logged internal error. */
export function errorResponse(id: string | number | null, err: unknown, log: Logger): JSONRPCResponse {
  if (err instanceof RPCError) {
    return {
      jsonrpc: '2.0',
      id,
      error: {
        code: err.rpcCode,
        message: clampMessage(err.shortMessage, defaultRPCLimits.maxErrorMessageChars),
        ...(err.data !== undefined ? { data: err.data } : {}),
      },
    }
  }
  log.error({ err }, 'internal error in RPC method')
  return { jsonrpc: '2.0', id, error: { code: RPCErrorCode.internal, message: 'internal error' } }
}

/**
 * Dispatches one parsed JSON-RPC payload (a request or a batch) to `methods`; a batch's requests run
 * concurrently (reads on the read workers), started `BATCH_SLICE` at a time with an event-loop turn
 * between slices, and their answers come back in request order.
 * Returns undefined when nothing is to be sent (notifications only).
 *
 * @example
 * ```ts
 * import { createSilentLogger } from '@rollup-mesh/core'
 * import { dispatchRPC } from '@rollup-mesh/chain'
 *
 * await dispatchRPC({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' }, { eth_chainId: () => '0x1' }, {}, {
 *   maxBatchSize: 100,
 *   log: createSilentLogger(),
 * }) // { jsonrpc: '2.0', id: 1, result: '0x1' }
 * ```
 */
export async function dispatchRPC(
  payload: unknown,
  methods: RPCMethods,
  ctx: RPCContext,
  opts: DispatchOptions,
): Promise<JSONRPCResponse | JSONRPCResponse[] | undefined> {
  if (Array.isArray(payload)) {
    if (payload.length === 0) return errorObject(null, RPCErrorCode.invalidRequest, 'empty batch')
    if (payload.length > opts.maxBatchSize) return batchTooLarge(payload.length, opts.maxBatchSize)
    const pending: Promise<JSONRPCResponse | undefined>[] = []
    for (let from = 0; from < payload.length; from += BATCH_SLICE) {
      // A long batch starts in slices, one event-loop turn apart: other clients' requests get in between.
      if (from > 0) await nextTurn()
      for (const r of payload.slice(from, from + BATCH_SLICE))
        pending.push(dispatchOne(r, methods, ctx, opts))
    }
    const out = await Promise.all(pending)
    const responses = out.filter((r): r is JSONRPCResponse => r !== undefined)
    return responses.length ? responses : undefined
  }
  return dispatchOne(payload, methods, ctx, opts)
}

const invalid = (id: string | number | null, message: string, code: number = RPCErrorCode.invalidRequest) =>
  errorObject(id, code, message)

async function dispatchOne(
  req: unknown,
  methods: RPCMethods,
  ctx: RPCContext,
  opts: DispatchOptions,
): Promise<JSONRPCResponse | undefined> {
  const { log, unsafe } = opts
  if (typeof req !== 'object' || req === null || Array.isArray(req))
    return invalid(null, 'invalid request: expected an object')
  const r = req as Partial<JSONRPCRequest>
  const hasId = 'id' in r
  const id = r.id
  if (hasId && id !== null && typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id)))
    return invalid(null, 'invalid request: id must be a string, number or null')
  const rid = (id ?? null) as string | number | null
  if (r.jsonrpc !== '2.0') return invalid(rid, 'invalid request: jsonrpc must be "2.0"')
  if (typeof r.method !== 'string' || r.method.length === 0)
    return invalid(rid, 'invalid request: method must be a string')
  if (r.params !== undefined && r.params !== null && !Array.isArray(r.params))
    return invalid(
      rid,
      'invalid params: expected an array of positional parameters',
      RPCErrorCode.invalidParams,
    )
  const method = Object.hasOwn(methods, r.method) ? methods[r.method] : undefined
  let response: JSONRPCResponse
  if (unsafe && !unsafe.exposed && isUnsafeMethod(r.method)) {
    response = errorResponse(rid, unsafeMethodRefused(r.method, unsafe), log)
  } else if (!method) {
    response = invalid(
      rid,
      `the method ${r.method} does not exist/is not available`,
      RPCErrorCode.methodNotFound,
    )
  } else {
    try {
      const params = (r.params as unknown[] | undefined) ?? []
      // A read the workers serve goes there (its answer arrives serialized); anything else runs here.
      const result = await (opts.reads?.route(r.method, params) ?? method(params, ctx))
      response = { jsonrpc: '2.0', id: rid, result: result === undefined ? null : result }
    } catch (err) {
      response = errorResponse(rid, err, log)
    }
  }
  // A request without an id is a notification: no response.
  return hasId ? response : undefined
}
