/** The calling thread's weight before it has measured a block: half a worker's share. */
export const INITIAL_CALLER_WEIGHT = 0.5
const MIN_CALLER_WEIGHT = 0.02
const MAX_CALLER_WEIGHT = 4

/**
 * Balances the calling thread's share for the next block. It finished its own share at `ownDoneAt` and saw
 * the workers' last results at `workersDoneAt` (ms after dispatch): finishing first means it then waited, so
 * it takes more; finishing last means the workers' results queued up behind it, so it takes less. Steps are
 * damped (square root, at most 2x) so one noisy block does not swing the split.
 */
export function nextCallerWeight(
  weight: number,
  ownTxs: number,
  ownDoneAt: number,
  workersDoneAt: number,
): number {
  if (ownTxs === 0) return Math.max(weight, MIN_CALLER_WEIGHT) // nothing measured: keep a small share
  if (!(ownDoneAt > 0 && workersDoneAt > 0)) return weight
  const ratio = Math.min(4, Math.max(0.25, workersDoneAt / ownDoneAt))
  return Math.min(MAX_CALLER_WEIGHT, Math.max(MIN_CALLER_WEIGHT, weight * Math.sqrt(ratio)))
}
