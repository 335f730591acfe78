import type { StateView, WriteSet } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import {
  changeCount,
  commitWriteSetDelta,
  ltHashChanges,
  ltHashOfChanges,
  splitChanges,
} from '../state/commitment.js'
import { addLtHash, createLtHash } from '../state/ltHash.js'
import type { WorkerPool } from './pool.js'

/**
 * The state root of a parallel block: the workers, idle once the block's transactions are in, hash the
 * changed entries (from `minEntries` on) in equal shares, one share hashed here meanwhile, and this thread
 * adds the sums (the state commitment was ~70% of the main thread's own work in a block of WASM
 * transfers). Any failure falls back to hashing here.
 */
export async function commitOnWorkers(
  state: StateView,
  writeSet: WriteSet,
  pool: WorkerPool,
  id: number,
  minEntries: number,
): Promise<Hex> {
  const changes = ltHashChanges(state, writeSet)
  if (changeCount(changes) >= minEntries) {
    try {
      const [mine, ...parts] = splitChanges(changes, pool.size + 1)
      const pending = parts.map((part, i) => pool.ltHash(i, id, part))
      const delta = mine ? ltHashOfChanges(mine) : createLtHash()
      for (const sum of await Promise.all(pending)) addLtHash(delta, sum)
      return commitWriteSetDelta(state, writeSet, delta)
    } catch {
      // A worker died or failed: the executor's exit handler restarts the pool for the next block.
    }
  }
  return commitWriteSetDelta(state, writeSet, ltHashOfChanges(changes))
}
