import { BaseError } from '@rollup-mesh/core'
import { RPCError, RPCErrorCode } from '../errors.js'

/** The tracer's coded errors that are the caller's fault (a bad tracer name or option). */
const INVALID_TRACE_PARAMS: ReadonlySet<string> = new Set(['TRACER_UNSUPPORTED', 'TRACE_OPTION_INVALID'])

/**
 * A tracer's error as a JSON-RPC error: bad options are -32602 with the tracer's message (it names the
 * option or lists the supported tracers), a transaction that cannot run is -32000; anything else is
 * passed on (an internal error).
 */
export function traceRPCError(error: unknown): unknown {
  if (error instanceof RPCError || !(error instanceof BaseError)) return error
  const message = [error.shortMessage, ...(error.metaMessages ?? []).map((m) => m.replace(/^- /, ''))].join(
    ' ',
  )
  if (INVALID_TRACE_PARAMS.has(error.code))
    return new RPCError(RPCErrorCode.invalidParams, message, { code: error.code })
  if (error.code === 'TRACE_NOT_RUN') return new RPCError(RPCErrorCode.server, message, { code: error.code })
  return error
}
