import type { Chain, ChainSnapshot } from './chain.js'

/**
 * The outstanding snapshots of a dev chain (`evm_snapshot` / `evm_revert`, anvil's semantics): ids count
 * from 0; reverting to one rewinds the chain (`Chain.rewind`) and removes it and every later one; an unknown
 * id answers false. While any is outstanding the store keeps the history it needs (never pruned), and
 * `oldestBlock()` tells what must not leave the node yet (an SPN's settlement stops there).
 *
 * @example
 * ```ts
 * const id = chain.snapshots.take() // 0n
 * await chain.produceBlock()
 * await chain.snapshots.revert(id) // true: the head, state and pool are as they were
 * ```
 */
export class SnapshotRegistry {
  private readonly taken: { id: bigint; at: ChainSnapshot }[] = []
  private next = 0n

  constructor(private readonly chain: Chain) {}

  /** Takes a snapshot of the chain now; returns its id. */
  take(): bigint {
    const at = this.chain.snapshot()
    const id = this.next++
    this.taken.push({ id, at })
    this.pin()
    return id
  }

  /** Rewinds to snapshot `id` and removes it and every later one; false when no such snapshot is outstanding. */
  async revert(id: bigint): Promise<boolean> {
    const i = this.taken.findIndex((s) => s.id === id)
    const entry = this.taken[i]
    if (!entry) return false
    await this.chain.rewind(entry.at)
    this.taken.splice(i)
    this.pin()
    return true
  }

  /** The oldest head block among outstanding snapshots (undefined when none). */
  oldestBlock(): bigint | undefined {
    return this.taken[0]?.at.block
  }

  /** The snapshot `id` (for tests and diagnostics). */
  get(id: bigint): ChainSnapshot | undefined {
    return this.taken.find((s) => s.id === id)?.at
  }

  private pin(): void {
    this.chain.store.pinHistory(this.taken[0]?.at.version)
  }
}
