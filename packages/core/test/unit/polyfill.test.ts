import { describe, expect, it, vi } from 'vitest'

describe('Promise.withResolvers polyfill', () => {
  it('installs a working implementation when missing', async () => {
    const P = Promise as unknown as { withResolvers?: unknown }
    const original = P.withResolvers
    delete P.withResolvers
    try {
      vi.resetModules()
      await import('../../src/polyfill.js')
      const { promise, resolve } = (
        Promise as unknown as { withResolvers: <T>() => { promise: Promise<T>; resolve: (v: T) => void } }
      ).withResolvers<number>()
      resolve(42)
      await expect(promise).resolves.toBe(42)
    } finally {
      if (original) P.withResolvers = original
    }
  })
})
