import { createMemorySigningGuard, DoubleSignRefusedError } from '@rollup-mesh/consensus'
import { describe, expect, it, vi } from 'vitest'
import { CRASH_AFTER_PREVOTE_ENV, withCrashTestHook } from '../../src/consensus/crashTestHook.js'

const value = `0x${'ab'.repeat(32)}` as const
const lock = { lockedValue: null, lockedRound: -1 }

describe('withCrashTestHook', () => {
  it('returns the guard itself when the variable is unset', () => {
    const guard = createMemorySigningGuard()
    expect(withCrashTestHook(guard, {})).toBe(guard)
  })

  it('refuses a malformed height, naming the variable', () => {
    expect(() =>
      withCrashTestHook(createMemorySigningGuard(), { [CRASH_AFTER_PREVOTE_ENV]: 'soon' }),
    ).toThrow(CRASH_AFTER_PREVOTE_ENV)
  })

  it('persists the prevote at the armed height, then dies; a precommit before that dies unsigned', () => {
    vi.useFakeTimers()
    try {
      const guard = createMemorySigningGuard()
      const die = vi.fn()
      const hooked = withCrashTestHook(guard, { [CRASH_AFTER_PREVOTE_ENV]: '5' }, die)
      hooked.authorize({ height: 4, round: 0, step: 'prevote', value }, lock)
      hooked.authorize({ height: 4, round: 0, step: 'precommit', value }, lock)
      expect(die).not.toHaveBeenCalled()
      hooked.authorize({ height: 5, round: 0, step: 'prevote', value }, lock)
      expect(guard.state).toMatchObject({ height: 5, step: 'prevote' })
      expect(() => hooked.authorize({ height: 5, round: 0, step: 'precommit', value }, lock)).toThrow(
        DoubleSignRefusedError,
      )
      expect(die).toHaveBeenCalledTimes(1)
      expect(guard.state).toMatchObject({ height: 5, step: 'prevote' })
      vi.runAllTimers()
      expect(die).toHaveBeenCalledTimes(2)
    } finally {
      vi.useRealTimers()
    }
  })
})
