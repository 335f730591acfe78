import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createConsensusState } from '../../src/consensusState.js'
import { DoubleSignRefusedError, SigningStateCorruptError } from '../../src/errors.js'
import { openFileSigningGuard } from '../../src/fileSigningGuard.js'
import { createMemorySigningGuard, type SigningGuard } from '../../src/signingGuard.js'
import { defaultTimeoutParams } from '../../src/timeouts.js'
import { ValidatorSchedule } from '../../src/validatorSchedule.js'
import { blockHash, testValidators } from '../helpers.js'

const V = blockHash('v')
const W = blockHash('w')
const noLock = { lockedValue: null, lockedRound: -1 }
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function guards(): [string, () => SigningGuard][] {
  return [
    ['memory', () => createMemorySigningGuard()],
    [
      'file',
      () => {
        const dir = mkdtempSync(join(tmpdir(), 'guard-'))
        dirs.push(dir)
        return openFileSigningGuard(join(dir, 'signing-state.json'))
      },
    ],
  ]
}

describe('signing guard', () => {
  for (const [name, make] of guards()) {
    it(`${name}: allows progress and the same message again, refuses a conflict or a step back`, () => {
      const g = make()
      g.authorize({ height: 3, round: 0, step: 'prevote', value: V }, noLock)
      g.authorize({ height: 3, round: 0, step: 'prevote', value: V }, noLock) // re-sign: same bytes
      expect(() => g.authorize({ height: 3, round: 0, step: 'prevote', value: W }, noLock)).toThrowError(
        DoubleSignRefusedError,
      )
      expect(() => g.authorize({ height: 3, round: 0, step: 'prevote', value: null }, noLock)).toThrow(
        /already signed/,
      )
      g.authorize({ height: 3, round: 0, step: 'precommit', value: V }, { lockedValue: V, lockedRound: 0 })
      expect(() => g.authorize({ height: 3, round: 0, step: 'prevote', value: V }, noLock)).toThrow(
        /already signed \(height 3, round 0, precommit\)/,
      )
      expect(() => g.authorize({ height: 2, round: 5, step: 'precommit', value: V }, noLock)).toThrowError(
        DoubleSignRefusedError,
      )
      g.authorize({ height: 3, round: 1, step: 'propose', value: V }, { lockedValue: V, lockedRound: 0 })
      expect(g.state).toMatchObject({ height: 3, round: 1, step: 'propose', lockedValue: V, lockedRound: 0 })
    })
  }

  it('file: after a restart (a new guard on the same file) it refuses a conflicting vote and restores the lock', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guard-'))
    dirs.push(dir)
    const path = join(dir, 'signing-state.json')
    const before = openFileSigningGuard(path)
    before.authorize({ height: 8, round: 2, step: 'precommit', value: V }, { lockedValue: V, lockedRound: 2 })
    // kill -9 here: nothing but the file survives.
    const after = openFileSigningGuard(path)
    expect(() => after.authorize({ height: 8, round: 2, step: 'precommit', value: W }, noLock)).toThrowError(
      DoubleSignRefusedError,
    )
    expect(() => after.authorize({ height: 8, round: 2, step: 'prevote', value: W }, noLock)).toThrowError(
      DoubleSignRefusedError,
    )
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
      height: 8,
      round: 2,
      step: 'precommit',
      value: V,
    })
    // The restarted state machine takes the lock back from the guard.
    const { set, keys } = testValidators([1, 1, 1, 1])
    const params = {
      schedule: new ValidatorSchedule(set),
      selfKey: keys[0]!.publicKey,
      isValid: () => true,
      timeouts: defaultTimeoutParams,
    }
    const s = after.state!
    const state = createConsensusState(params, s.height, {
      round: s.round,
      lockedValue: s.lockedValue,
      lockedRound: s.lockedRound,
    })
    expect(state).toMatchObject({ height: 8, round: 2, lockedValue: V, lockedRound: 2 })
  })

  it('file: a corrupt state file refuses to open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guard-'))
    dirs.push(dir)
    const path = join(dir, 'signing-state.json')
    writeFileSync(path, '{"height": 1')
    expect(() => openFileSigningGuard(path)).toThrowError(SigningStateCorruptError)
    writeFileSync(path, '{"height": 1, "round": 0}')
    expect(() => openFileSigningGuard(path)).toThrow(/fields missing/)
  })
})
