import { BaseError } from '@rollup-mesh/core'
import { SUPPORTED_TRACERS } from './options.js'

/** A `tracer` that is not one of the built-in tracers (JavaScript tracers are not supported). */
export class UnsupportedTracerError extends BaseError {
  constructor(tracer: string) {
    const looksLikeJs = /[{(]/.test(tracer)
    super(`Tracer "${looksLikeJs ? `${tracer.slice(0, 40)}…` : tracer}" is not supported.`, {
      code: 'TRACER_UNSUPPORTED',
      name: 'UnsupportedTracerError',
      metaMessages: [
        `- Supported tracers: ${SUPPORTED_TRACERS.join(', ')} (omit "tracer" for the struct logger).`,
        ...(looksLikeJs ? ['- JavaScript tracers are not supported by this node.'] : []),
      ],
    })
  }
}

/** A tracer option of the wrong type (names the field and what was expected). */
export class InvalidTraceOptionError extends BaseError {
  constructor(field: string, expected: string, got: unknown) {
    super(`Trace option "${field}" must be ${expected}, got ${JSON.stringify(got) ?? String(got)}.`, {
      code: 'TRACE_OPTION_INVALID',
      name: 'InvalidTraceOptionError',
    })
  }
}

/** The transaction to trace could not run at all (bad nonce, balance, gas: it would not be included). */
export class TraceNotRunError extends BaseError {
  constructor(reason: string) {
    super(`The transaction could not be executed for tracing: ${reason}.`, {
      code: 'TRACE_NOT_RUN',
      name: 'TraceNotRunError',
    })
  }
}
