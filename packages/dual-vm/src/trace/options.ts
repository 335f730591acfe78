import { InvalidTraceOptionError, UnsupportedTracerError } from './errors.js'

/** The built-in tracers besides the default struct logger (geth's names). */
export const SUPPORTED_TRACERS = ['callTracer', 'prestateTracer'] as const

export type StructLoggerConfig = {
  disableStack?: boolean
  disableStorage?: boolean
  enableMemory?: boolean
  enableReturnData?: boolean
  /** At most this many struct logs (0: no limit). */
  limit?: number
}

export type CallTracerConfig = { onlyTopCall?: boolean; withLog?: boolean }
export type PrestateTracerConfig = { diffMode?: boolean; disableCode?: boolean; disableStorage?: boolean }

/** A tracer and its configuration, checked (what `parseTraceOptions` returns). */
export type TraceOptions =
  | { tracer: 'structLogger'; config: StructLoggerConfig }
  | { tracer: 'callTracer'; config: CallTracerConfig }
  | { tracer: 'prestateTracer'; config: PrestateTracerConfig }

function bool(source: Record<string, unknown>, field: string, prefix: string): boolean | undefined {
  const value = source[field]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw new InvalidTraceOptionError(prefix + field, 'a boolean', value)
  return value
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value))
    throw new InvalidTraceOptionError(field, 'an object', value)
  return value as Record<string, unknown>
}

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}

/**
 * Checks geth's trace options object (`{ tracer?, tracerConfig?, disableStack?, … }`) and returns the
 * tracer to run. No `tracer` means the struct logger, whose options sit at the top level (geth also
 * accepts them inside `tracerConfig`). Unknown tracers, JavaScript tracers included, are refused.
 *
 * @example
 * ```ts
 * import assert from 'node:assert'
 * import { parseTraceOptions } from '@rollup-mesh/dual-vm'
 *
 * assert.deepEqual(parseTraceOptions({ tracer: 'callTracer', tracerConfig: { onlyTopCall: true } }), {
 *   tracer: 'callTracer',
 *   config: { onlyTopCall: true },
 * })
 * assert.throws(() => parseTraceOptions({ tracer: '4byteTracer' }), /not supported/)
 * ```
 */
export function parseTraceOptions(input: unknown): TraceOptions {
  const options = record(input, 'options')
  const tracer = options.tracer
  if (tracer !== undefined && tracer !== null && typeof tracer !== 'string')
    throw new InvalidTraceOptionError('tracer', 'a string', tracer)
  const config = record(options.tracerConfig, 'tracerConfig')
  for (const field of ['stateOverrides', 'blockOverrides'] as const)
    if (options[field] !== undefined && options[field] !== null)
      throw new InvalidTraceOptionError(
        field,
        'absent (overrides are not supported by this node)',
        options[field],
      )
  if (tracer === undefined || tracer === null || tracer === '' || tracer === 'structLogger') {
    const from = { ...config, ...options }
    const limit = from.limit
    if (
      limit !== undefined &&
      limit !== null &&
      (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0)
    )
      throw new InvalidTraceOptionError('limit', 'a non-negative integer', limit)
    return {
      tracer: 'structLogger',
      config: defined({
        disableStack: bool(from, 'disableStack', ''),
        disableStorage: bool(from, 'disableStorage', ''),
        enableMemory: bool(from, 'enableMemory', ''),
        enableReturnData: bool(from, 'enableReturnData', ''),
        limit: typeof limit === 'number' ? limit : undefined,
      }),
    }
  }
  if (tracer === 'callTracer')
    return {
      tracer,
      config: defined({
        onlyTopCall: bool(config, 'onlyTopCall', 'tracerConfig.'),
        withLog: bool(config, 'withLog', 'tracerConfig.'),
      }),
    }
  if (tracer === 'prestateTracer')
    return {
      tracer,
      config: defined({
        diffMode: bool(config, 'diffMode', 'tracerConfig.'),
        disableCode: bool(config, 'disableCode', 'tracerConfig.'),
        disableStorage: bool(config, 'disableStorage', 'tracerConfig.'),
      }),
    }
  throw new UnsupportedTracerError(tracer)
}
