import { BaseError } from '@rollup-mesh/core'
import type { ResultMismatch } from './compare.js'

/** `verifyParallel`: the parallel executor's result differs from the serial one (a bug, never a user error). */
export class ParallelMismatchError extends BaseError {
  readonly mismatch: ResultMismatch
  readonly blockNumber: bigint

  constructor(blockNumber: bigint, mismatch: ResultMismatch) {
    const where =
      mismatch.txIndex === undefined ? 'the block' : `transaction ${mismatch.txIndex} (${mismatch.txHash})`
    super(`Parallel execution of block ${blockNumber} differs from serial at ${where}: ${mismatch.field}.`, {
      code: 'PARALLEL_MISMATCH',
      name: 'ParallelMismatchError',
      metaMessages: [
        `- serial:   ${mismatch.expected.slice(0, 400)}`,
        `- parallel: ${mismatch.actual.slice(0, 400)}`,
        '- This is an executor bug: run with workers: 1 (serial) until it is fixed.',
      ],
    })
    this.mismatch = mismatch
    this.blockNumber = blockNumber
  }
}

/** A worker thread could not be started (bad WASM engine source, missing build). */
export class WorkerStartError extends BaseError {
  constructor(reason: string) {
    super(`A parallel-executor worker failed to start: ${reason}.`, {
      code: 'WORKER_START_FAILED',
      name: 'WorkerStartError',
      metaMessages: [
        '- From dist, run `npm run build -w @rollup-mesh/dual-vm` first; from source, tsx must be installed.',
      ],
    })
  }
}
