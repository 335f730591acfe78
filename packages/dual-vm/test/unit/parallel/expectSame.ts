import type { BlockExecutionResult, ExecutableTx } from '@rollup-mesh/core'
import { expect } from 'vitest'
import { compareBlockResults } from '../../../src/index.js'

/** The parallel result equals the serial one: what `compareBlockResults` checks, then bit for bit. */
export function expectSame(
  txs: readonly ExecutableTx[],
  expected: BlockExecutionResult,
  actual: BlockExecutionResult,
): void {
  expect(
    compareBlockResults(
      txs.map((t) => t.hash),
      expected,
      actual,
    ),
  ).toBeUndefined()
  expect(actual.receipts).toEqual(expected.receipts)
  expect(actual.skipped).toEqual(expected.skipped)
  expect(actual.gasUsed).toBe(expected.gasUsed)
  expect(actual.stateRoot).toBe(expected.stateRoot)
}
