/**
 * When the settlement service cuts the next batch (issue [throughput]: settling must not starve execution).
 * A batch with messages waiting is cut at once: message latency is what settlement is for, and only such a
 * batch costs a Groth16 proof. A batch without messages only moves the state root forward (no proof:
 * Settlement.sol takes it with empty proof bytes; it still costs a TEE quote and a main-net transaction), so
 * it waits `intervalMs` while the SPN is active (blocks with transactions since the last cut) and keeping up
 * (nothing waits in its pool), and `idleIntervalMs` otherwise: when the pool holds a backlog, execution is
 * the bottleneck and the state root can settle later.
 */
export type SettlementCadence = {
  intervalMs: number
  idleIntervalMs: number
}

export const defaultSettlementCadence: SettlementCadence = {
  intervalMs: 2_000,
  idleIntervalMs: 10_000,
}

export type CadenceState = {
  now: number
  /** When the last batch was cut. */
  lastCut: number
  /** Messages in the open batch. */
  waiting: number
  /** Whether a block with transactions was sealed since the last cut. */
  active: boolean
  /** Transactions waiting in the pool. */
  backlog: number
}

/** How long after the last cut a batch without messages is cut (ms). */
export function stateOnlyIntervalMs(state: CadenceState, cadence: SettlementCadence): number {
  return state.active && state.backlog === 0 ? cadence.intervalMs : cadence.idleIntervalMs
}

/**
 * Whether the open batch is cut now.
 *
 * @example
 * ```ts
 * import { defaultSettlementCadence, settlementDue } from './cadence.js'
 *
 * const state = { now: 5_000, lastCut: 0, waiting: 0, active: true, backlog: 0 }
 * settlementDue(state, defaultSettlementCadence) // true: active, keeping up, 5 s > 2 s
 * settlementDue({ ...state, backlog: 4_000 }, defaultSettlementCadence) // false: a backlog waits 10 s
 * settlementDue({ ...state, backlog: 4_000, waiting: 1 }, defaultSettlementCadence) // true: a message
 * ```
 */
export function settlementDue(state: CadenceState, cadence: SettlementCadence): boolean {
  if (state.waiting > 0) return true
  return state.now - state.lastCut >= stateOnlyIntervalMs(state, cadence)
}
