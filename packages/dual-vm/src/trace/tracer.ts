import type { JournaledState } from '../state/journal.js'
import { createCallTracer } from './callTracer.js'
import type { TraceOptions } from './options.js'
import { createPrestateTracer } from './prestateTracer.js'
import { createStructLogger } from './structLogger.js'
import type { Tracer } from './tracedRun.js'

/** The tracer `options` names, for one transaction whose post-state is `state`. */
export function createTracer(options: TraceOptions, state: JournaledState): Tracer {
  switch (options.tracer) {
    case 'callTracer':
      return createCallTracer(options.config)
    case 'prestateTracer':
      return createPrestateTracer(options.config)
    default:
      return createStructLogger(options.config, state)
  }
}
