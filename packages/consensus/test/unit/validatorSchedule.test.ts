import { describe, expect, it } from 'vitest'
import { createConsensusState } from '../../src/consensusState.js'
import { InvalidValidatorSetError } from '../../src/errors.js'
import { defaultTimeoutParams } from '../../src/timeouts.js'
import { ValidatorSchedule } from '../../src/validatorSchedule.js'
import { testValidators } from '../helpers.js'

const a = testValidators([1, 1, 1, 1])
const b = testValidators([2, 1, 1], 1)
const c = testValidators([1, 1], 2)

describe('validator schedule (epochs)', () => {
  it('a change decided at height h takes effect at the first epoch boundary a full epoch later', () => {
    const s = new ValidatorSchedule(a.set, { firstHeight: 1, epochLength: 10 })
    expect(s.scheduleChange(b.set, 3)).toBe(21)
    expect(s.setAt(20)).toBe(a.set)
    expect(s.setAt(21)).toBe(b.set)
    expect(s.scheduleChange(c.set, 10)).toBe(21) // same boundary: the later call replaces it
    expect(s.setAt(21)).toBe(c.set)
    expect(s.scheduleChange(b.set, 25)).toBe(41)
    expect(s.entries.map((e) => e.fromHeight)).toEqual([1, 21, 41])
    expect(() => s.setAt(0)).toThrowError(InvalidValidatorSetError)
  })

  it('proposer rotation restarts with the new set, and a validator finds its index per height', () => {
    const s = new ValidatorSchedule(a.set, { firstHeight: 1, epochLength: 10 })
    s.scheduleChange(b.set, 1)
    expect(s.proposer(21, 0)).toBe(b.set.proposer(0, 0))
    expect(s.proposer(22, 1)).toBe(b.set.proposer(1, 1))
    const params = {
      schedule: s,
      selfKey: b.keys[0]!.publicKey,
      isValid: () => true,
      timeouts: defaultTimeoutParams,
    }
    expect(createConsensusState(params, 20).selfIndex).toBe(-1) // not in set A: follows only
    expect(createConsensusState(params, 21).selfIndex).toBe(0)
  })

  it('rejects a bad epoch length', () => {
    expect(() => new ValidatorSchedule(a.set, { epochLength: 0 })).toThrow(/epochLength/)
  })
})
