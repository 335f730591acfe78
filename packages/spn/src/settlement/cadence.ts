/**
 * When the settlement service cuts the next batch (issue [throughput]: proving must not starve
 * execution). A batch with messages waiting is cut at once: message latency is what settlement is for.
 * A batch without messages only moves the state root forward, and every settlement costs one Groth16
 * proof, so such a batch waits:
 * - `intervalMs` while the SPN is active (blocks with transactions since the last cut) and keeping up
 *   (nothing waits in its pool), `idleIntervalMs` otherwise: when the pool holds a backlog, execution is
 *   the bottleneck and the state root can settle later;
 * - and at least as long as keeps the prover's share of wall time under `maxProverShare` (the last proof
 *   took `lastProveMs`): on a contended machine proofs take longer and come less often.
 */
export type SettlementCadence = {
  intervalMs: number
  idleIntervalMs: number
  /** The most of the wall time that proving batches without messages may take (0 < share ≤ 1). */
  maxProverShare: number
}

export const defaultSettlementCadence: SettlementCadence = {
  intervalMs: 2_000,
  idleIntervalMs: 10_000,
  maxProverShare: 0.25,
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
  /** How long the last proof took (ms); 0 before the first. */
  lastProveMs: number
}

/** How long after the last cut a batch without messages is cut (ms). */
export function stateOnlyIntervalMs(state: CadenceState, cadence: SettlementCadence): number {
  const base = state.active && state.backlog === 0 ? cadence.intervalMs : cadence.idleIntervalMs
  const share = Math.min(1, Math.max(cadence.maxProverShare, 1e-3))
  return Math.max(base, (state.lastProveMs * (1 - share)) / share)
}

/**
 * Whether the open batch is cut now.
 *
 * @example
 * ```ts
 * import { defaultSettlementCadence, settlementDue } from './cadence.js'
 *
 * const state = { now: 5_000, lastCut: 0, waiting: 0, active: true, backlog: 0, lastProveMs: 1_000 }
 * settlementDue(state, defaultSettlementCadence) // true: active, keeping up, 5 s > max(2 s, 3 × 1 s)
 * settlementDue({ ...state, backlog: 4_000 }, defaultSettlementCadence) // false: a backlog waits 10 s
 * settlementDue({ ...state, backlog: 4_000, waiting: 1 }, defaultSettlementCadence) // true: a message
 * ```
 */
export function settlementDue(state: CadenceState, cadence: SettlementCadence): boolean {
  if (state.waiting > 0) return true
  return state.now - state.lastCut >= stateOnlyIntervalMs(state, cadence)
}
