import type { SimRun } from './runner.js'
import { isValidSimValue } from './simValues.js'

/** One broken property of a run. */
export type SimViolation = {
  readonly property: 'agreement' | 'validity' | 'termination'
  readonly message: string
}

/**
 * The properties every run must keep, over honest instances only (Twins are Byzantine):
 * agreement (never two values decided at one height), validity (a decided value is valid and was proposed)
 * and termination (every height decided within the bound after the network healed).
 *
 * @example
 * ```ts
 * const violations = checkRun(runScenario(scenarioFromSeed(3)))
 * ```
 */
export function checkRun(run: SimRun): SimViolation[] {
  const violations: SimViolation[] = []
  const honest = run.instances.filter((x) => x.honest)
  const byHeight = new Map<number, { value: string; by: number }>()
  for (const inst of honest) {
    for (const [h, d] of inst.decisions) {
      const first = byHeight.get(h)
      if (!first) byHeight.set(h, { value: d.value, by: inst.id })
      else if (first.value !== d.value)
        violations.push({
          property: 'agreement',
          message: `height ${h}: validator ${first.by} decided ${first.value}, validator ${inst.id} decided ${d.value}`,
        })
      if (!isValidSimValue(d.value) || !run.proposed.get(h)?.has(d.value))
        violations.push({
          property: 'validity',
          message: `height ${h}: validator ${inst.id} decided ${d.value}, never validly proposed`,
        })
    }
  }
  if (run.finishedAt < 0) {
    const behind = honest
      .filter((x) => x.decisions.size < run.scenario.heights)
      .map((x) => `${x.id}@${x.state.height}`)
    violations.push({
      property: 'termination',
      message: `not every honest validator decided ${run.scenario.heights} heights within the bound: ${behind.join(', ')}`,
    })
  }
  return violations
}
