import { ParallelExecutor } from './executor.js'
import type { ParallelExecutorOptions } from './options.js'

/**
 * Creates the optimistic parallel executor (see `ParallelExecutor`). Results are identical to the serial
 * executor's; `close()` it to end its worker threads.
 *
 * @example
 * ```ts
 * import assert from 'node:assert'
 * import { createMemoryState, createParallelExecutor, createSerialExecutor } from '@rollup-mesh/dual-vm'
 *
 * const senders = Array.from({ length: 32 }, (_, i) => `0x${(0xa11ce00 + i).toString(16).padStart(40, '0')}`)
 * const state = createMemoryState(Object.fromEntries(senders.map((a) => [a, { balance: 10n ** 18n }])))
 * const header = {
 *   number: 1n,
 *   timestamp: 1_700_000_000n,
 *   coinbase: '0x000000000000000000000000000000000000c0de',
 *   baseFeePerGas: 1n,
 *   gasLimit: 30_000_000n,
 *   chainId: 1n,
 *   prevRandao: `0x${'00'.repeat(32)}`,
 * }
 * const txs = senders.map((from, i) => ({
 *   hash: `0x${(i + 1).toString(16).padStart(64, '0')}`,
 *   from,
 *   type: 'eip1559',
 *   nonce: 0n,
 *   to: senders[(i + 1) % senders.length],
 *   value: 1n,
 *   data: '0x',
 *   gas: 21_000n,
 *   maxFeePerGas: 2n,
 *   maxPriorityFeePerGas: 1n,
 * }))
 * const parallel = createParallelExecutor({ workers: 2 }) // the calling thread and one worker thread
 * try {
 *   const result = await parallel.executeBlock({ header, txs }, state)
 *   const serial = await createSerialExecutor().executeBlock({ header, txs }, state)
 *   assert.equal(result.stateRoot, serial.stateRoot) // parallel == serial, bit for bit
 * } finally {
 *   await parallel.close()
 * }
 * ```
 */
export function createParallelExecutor(options: ParallelExecutorOptions = {}): ParallelExecutor {
  return new ParallelExecutor(options)
}
