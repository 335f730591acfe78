import type { ExecutableTx, Receipt } from '@rollup-mesh/core'
import type { JournaledState } from '../state/journal.js'
import type { TraceHooks } from './hooks.js'
import type { RecordingState } from './recordingState.js'

/** One traced transaction after it ran: what tracers build their result from. */
export type TracedRun = {
  tx: ExecutableTx
  receipt: Receipt
  /** Gas the outermost frame started with (the gas limit less the intrinsic gas). */
  executionGas: bigint
  /** The outermost frame's return data (a creation's deployed code, a revert's data). */
  returnValue: Uint8Array
  /** Every account and slot the transaction read, with its value before the transaction. */
  prestate: RecordingState
  /** The state after the transaction (a journal over `prestate`). */
  poststate: JournaledState
}

/** A tracer: hooks attached while the transaction runs, and the result built after. */
export type Tracer = {
  hooks: TraceHooks
  result(run: TracedRun): unknown
}
