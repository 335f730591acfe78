import { describe, expect, it } from 'vitest'
import {
  type CadenceState,
  defaultSettlementCadence,
  settlementDue,
  stateOnlyIntervalMs,
} from '../../src/settlement/cadence.js'

const cadence = defaultSettlementCadence
const base: CadenceState = { now: 0, lastCut: 0, waiting: 0, active: true, backlog: 0 }

describe('settlement cadence', () => {
  it('cuts a batch with messages at once, whatever the load', () => {
    expect(settlementDue({ ...base, now: 1, waiting: 1, backlog: 10_000 }, cadence)).toBe(true)
  })

  it('settles an active SPN that keeps up every intervalMs, an idle one every idleIntervalMs', () => {
    expect(stateOnlyIntervalMs(base, cadence)).toBe(2_000)
    expect(settlementDue({ ...base, now: 1_999 }, cadence)).toBe(false)
    expect(settlementDue({ ...base, now: 2_000 }, cadence)).toBe(true)
    expect(stateOnlyIntervalMs({ ...base, active: false }, cadence)).toBe(10_000)
  })

  it('waits idleIntervalMs for a batch without messages while the pool holds a backlog', () => {
    const loaded = { ...base, backlog: 5_000 }
    expect(stateOnlyIntervalMs(loaded, cadence)).toBe(10_000)
    expect(settlementDue({ ...loaded, now: 9_999 }, cadence)).toBe(false)
    expect(settlementDue({ ...loaded, now: 10_000 }, cadence)).toBe(true)
  })
})
