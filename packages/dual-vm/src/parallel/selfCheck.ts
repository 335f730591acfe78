import type { BlockContext, BlockExecutionResult, ExecutableTx, Logger, StateView } from '@rollup-mesh/core'
import type { SerialExecutor } from '../executor/serial.js'
import { compareBlockResults } from './compare.js'
import { ParallelMismatchError } from './errors.js'

/**
 * The parallel executor's self-check (`verifyParallel`, and `verifyEvm` on a parallel block): the block
 * again on the serial executor (which with `verifyEvm` checks its transactions against ethereumjs), then
 * `ParallelMismatchError` naming the first differing transaction and field, logged as an error first.
 */
export async function checkAgainstSerial(
  serial: SerialExecutor,
  block: { header: BlockContext; txs: readonly ExecutableTx[] },
  state: StateView,
  result: BlockExecutionResult,
  log: Logger,
): Promise<void> {
  const expected = await serial.executeBlock(block, state)
  const mismatch = compareBlockResults(
    block.txs.map((t) => t.hash),
    expected,
    result,
  )
  if (mismatch) {
    log.error({ block: block.header.number, ...mismatch }, 'parallel result differs from serial')
    throw new ParallelMismatchError(block.header.number, mismatch)
  }
}
