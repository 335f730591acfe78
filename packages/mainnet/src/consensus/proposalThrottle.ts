import type { Proposal, ValidatorSchedule } from '@rollup-mesh/consensus'

/** Proposals remembered before the throttle starts over (a few heights × rounds). */
const MAX_REMEMBERED = 256

/**
 * How often this node re-sends one proposal with its block: its own proposals at every re-broadcast tick
 * (as before: a peer that missed one must get it before its propose timeout), other validators' at most
 * once per `intervalMs` since this node last sent or received them. A 1,000-transaction block is ~110 KB;
 * with the state machine's re-broadcast each tick, every validator re-sent every round's proposal each
 * second, most of a 4-validator cluster's CPU.
 *
 * @example
 * ```ts
 * const throttle = proposalThrottle(3_000, { schedule, key: self?.publicKey })
 * throttle.seen(proposal) // sent or received now
 * throttle.mayResend(proposal) // another's: false for the next 3 s, then true (and counted as sent)
 * ```
 */
export function proposalThrottle(
  intervalMs: number,
  self: { schedule: ValidatorSchedule; key: Uint8Array | undefined },
  now: () => number = Date.now,
) {
  const own = (p: Proposal) =>
    self.key !== undefined && self.schedule.setAt(p.height).indexOfKey(self.key) === p.proposer
  const at = new Map<string, number>()
  const key = (p: Proposal) => `${p.height}:${p.round}:${p.value}`
  const seen = (p: Proposal): void => {
    if (at.size >= MAX_REMEMBERED) at.clear()
    at.set(key(p), now())
  }
  return {
    /** Records that `p` was sent or received now. */
    seen,
    /** Records `p` as seen when it is new to the throttle (a received proposal's first arrival). */
    arrived: (p: Proposal): void => {
      if (!at.has(key(p))) seen(p)
    },
    /** Whether a re-broadcast of `p` goes out now (then recorded as sent). */
    mayResend: (p: Proposal): boolean => {
      if (own(p)) return true
      const last = at.get(key(p))
      if (last !== undefined && now() - last < intervalMs) return false
      seen(p)
      return true
    },
  }
}
