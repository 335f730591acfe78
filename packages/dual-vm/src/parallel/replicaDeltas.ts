import type { AccountState, BlockExecutionResult } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import { type ReplicaSync, type WireWriteSet, writeSetToWire } from './protocol.js'

/**
 * What keeps the workers' replicas of committed state current: the root they mirror, the write sets of the
 * blocks executed since (serial ones included), and the wrong storage guesses of the last parallel block.
 * Each parallel block ships `syncFor(preRoot)` to its workers: nothing, the chain of write sets from their
 * root to `preRoot`, or an empty path (a reset: the replicas start over).
 */
export class ReplicaDeltas {
  /** Root the workers' replicas mirror, and the blocks executed since (to bring them forward). */
  private workersRoot: Hex | undefined
  private deltas: { from: Hex; to: Hex; writes: WireWriteSet }[] = []
  /** Wrong storage guesses of the last parallel block, for the workers' next sync. */
  corrections: ReplicaSync['corrections']

  /** The replicas' root is unknown (new or restarted workers): the next sync resets them. */
  forget(): void {
    this.workersRoot = undefined
  }

  /** Forgets the root and the write sets (the pool is closed). */
  clear(): void {
    this.workersRoot = undefined
    this.deltas = []
  }

  /** Records a block's write set from `preRoot` to its state root, while the replicas' root is known. */
  record(preRoot: Hex, result: BlockExecutionResult): void {
    if (this.workersRoot === undefined) return
    this.deltas.push({ from: preRoot, to: result.stateRoot, writes: writeSetToWire(result.writeSet) })
    if (this.deltas.length > 32) {
      // A node with many small (serial) blocks between parallel ones: fold the chain of write sets into
      // one instead of letting the replicas go cold; a broken chain or a huge fold starts them over.
      const folded = foldDeltas(this.deltas)
      this.deltas = folded ? [folded] : []
      if (!folded) this.workersRoot = undefined
    }
  }

  /** What brings the workers' replicas to `preRoot`: nothing, the write sets since, or a reset. */
  syncFor(preRoot: Hex): ReplicaSync {
    const path: ReplicaSync['deltas'] = []
    if (this.workersRoot !== preRoot) {
      let at = this.workersRoot
      for (const delta of this.deltas) {
        if (delta.from === at) {
          path.push(delta)
          at = delta.to
        }
      }
      if (at !== preRoot) path.length = 0
    }
    this.workersRoot = preRoot
    this.deltas = []
    const corrections = this.corrections
    this.corrections = undefined
    return corrections ? { root: preRoot, deltas: path, corrections } : { root: preRoot, deltas: path }
  }
}

/** Most accounts, slots and codes a folded replica delta may hold before the replicas start over instead. */
const MAX_FOLDED_ENTRIES = 1_000_000

/** Consecutive write sets as one (later writes win), or undefined when they do not chain or are too big. */
function foldDeltas(deltas: ReplicaSync['deltas']): ReplicaSync['deltas'][number] | undefined {
  const first = deltas[0]
  if (!first) return undefined
  const accounts = new Map<Address, AccountState | null>()
  const storage = new Map<string, [Address, Hex, Hex]>()
  const code = new Map<Hex, Uint8Array>()
  let at = first.from
  for (const delta of deltas) {
    if (delta.from !== at) return undefined
    for (const [address, account] of delta.writes.accounts) {
      accounts.delete(address)
      accounts.set(address, account)
    }
    for (const entry of delta.writes.storage) storage.set(entry[0] + entry[1], entry)
    for (const [hash, bytes] of delta.writes.code) code.set(hash, bytes)
    at = delta.to
  }
  if (accounts.size + storage.size + code.size > MAX_FOLDED_ENTRIES) return undefined
  return {
    from: first.from,
    to: at,
    writes: { accounts: [...accounts], storage: [...storage.values()], code: [...code] },
  }
}
