import { checkRun, type SimViolation } from './checker.js'
import { runScenario, type SimInjection } from './runner.js'
import { scenarioFromSeed } from './scenario.js'

/** Totals over a batch of seeded scenarios (the `test:consensus-sim` table). */
export type SimBatchSummary = {
  scenarios: number
  withByzantine: number
  withPartitions: number
  messages: number
  dropped: number
  duplicated: number
  decisions: number
  evidence: number
  maxDecidedRound: number
  /** Longest time from heal to the last honest decision (virtual ms). */
  maxDecideAfterHealMs: number
  violations: { seed: number; violation: SimViolation }[]
  /** Scenarios run before the first violation was found (-1: none), and the wall time it took. */
  firstViolationAfter: number
  firstViolationMs: number
  wallMs: number
}

/**
 * Runs seeds `from .. from + count - 1` and checks each run; `stopAtFirst` ends at the first violation.
 *
 * @example
 * ```ts
 * const summary = runSimBatch({ from: 0, count: 500 })
 * summary.violations // []
 * ```
 */
export function runSimBatch(opts: {
  from?: number
  count: number
  inject?: SimInjection
  stopAtFirst?: boolean
}): SimBatchSummary {
  const from = opts.from ?? 0
  const t0 = performance.now()
  const s: SimBatchSummary = {
    scenarios: 0,
    withByzantine: 0,
    withPartitions: 0,
    messages: 0,
    dropped: 0,
    duplicated: 0,
    decisions: 0,
    evidence: 0,
    maxDecidedRound: 0,
    maxDecideAfterHealMs: 0,
    violations: [],
    firstViolationAfter: -1,
    firstViolationMs: -1,
    wallMs: 0,
  }
  for (let seed = from; seed < from + opts.count; seed++) {
    const scenario = scenarioFromSeed(seed)
    const run = runScenario(scenario, opts.inject)
    s.scenarios++
    if (scenario.byzantine.size > 0) s.withByzantine++
    if (scenario.partitions.length > 0) s.withPartitions++
    s.messages += run.stats.messages
    s.dropped += run.stats.dropped
    s.duplicated += run.stats.duplicated
    s.evidence += run.stats.evidence
    s.maxDecidedRound = Math.max(s.maxDecidedRound, run.stats.maxDecidedRound)
    for (const inst of run.instances) if (inst.honest) s.decisions += inst.decisions.size
    if (run.finishedAt >= 0)
      s.maxDecideAfterHealMs = Math.max(s.maxDecideAfterHealMs, run.finishedAt - scenario.healAt)
    const found = checkRun(run)
    for (const violation of found) s.violations.push({ seed, violation })
    if (found.length > 0 && s.firstViolationAfter < 0) {
      s.firstViolationAfter = s.scenarios
      s.firstViolationMs = performance.now() - t0
      if (opts.stopAtFirst) break
    }
  }
  s.wallMs = performance.now() - t0
  return s
}
