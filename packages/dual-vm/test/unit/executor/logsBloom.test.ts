import { LogsBloom } from '@rollup-mesh/core'
import fc from 'fast-check'
import { bytesToHex } from 'viem'
import { describe, expect, it } from 'vitest'
import { addBloomValue } from '../../../src/executor/logsBloom.js'

describe('addBloomValue', () => {
  it('sets the bits LogsBloom.add sets, cached or not, the same value again or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ minLength: 20, maxLength: 32 }), fc.boolean()), { maxLength: 12 }),
        (values) => {
          const reference = new LogsBloom()
          const bits = new Uint8Array(256)
          // Each value twice: the second time a cached value comes from the cache.
          for (const [value, cached] of [...values, ...values]) {
            reference.add(value)
            addBloomValue(bits, value, bytesToHex(value), cached)
          }
          expect(bytesToHex(bits)).toBe(bytesToHex(reference.bits))
        },
      ),
      { numRuns: 100 },
    )
  })
})
