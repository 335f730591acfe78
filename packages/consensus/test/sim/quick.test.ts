import { describe, expect, it } from 'vitest'
import { runSimBatch } from '../../src/sim/batch.js'
import { runScenario } from '../../src/sim/runner.js'
import { scenarioFromSeed } from '../../src/sim/scenario.js'

// The quick run of the deterministic simulation (the full one: `npm run test:consensus-sim`, 10,000).
describe('consensus simulation (500 seeded scenarios)', () => {
  it('agreement, validity and termination hold in every scenario', () => {
    const s = runSimBatch({ from: 0, count: 500 })
    expect(s.violations.slice(0, 5)).toEqual([])
    // The faults were really there: Byzantine twins, partitions, drops, equivocation evidence.
    expect(s.withByzantine).toBeGreaterThan(100)
    expect(s.withPartitions).toBeGreaterThan(100)
    expect(s.dropped).toBeGreaterThan(1_000)
    expect(s.evidence).toBeGreaterThan(0)
    expect(s.maxDecidedRound).toBeGreaterThan(0)
  })

  it('catches an injected bug: validators that ignore their lock break agreement', () => {
    const s = runSimBatch({ from: 0, count: 500, inject: { ignoreLock: true }, stopAtFirst: true })
    expect(s.firstViolationAfter).toBeGreaterThan(0)
    expect(s.violations[0]?.violation.property).toBe('agreement')
  })

  it('is deterministic: a seed replays the same run', () => {
    const a = runScenario(scenarioFromSeed(123))
    const b = runScenario(scenarioFromSeed(123))
    expect(a.stats).toEqual(b.stats)
    expect(a.finishedAt).toBe(b.finishedAt)
    expect(a.instances.map((i) => [...i.decisions.values()].map((d) => d.value))).toEqual(
      b.instances.map((i) => [...i.decisions.values()].map((d) => d.value)),
    )
  })
})
