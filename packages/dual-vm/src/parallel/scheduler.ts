import type { ExecutableTx } from '@rollup-mesh/core'
import type { Address } from 'viem'

/**
 * Scheduling hints. Transactions likely to depend on each other are put in one
 * chain: a chain runs in block order on one worker, each transaction seeing the
 * writes of the chain's earlier ones. Hints only move work around; validation
 * in block order decides what is committed, so a wrong hint costs time, never
 * correctness.
 *
 * - a sender's transactions always chain (nonces);
 * - EIP-2930 access lists: transactions that declare a common storage key chain;
 * - learned conflicts: a contract (or account) whose transactions kept
 *   conflicting in earlier blocks is "hot"; its transactions chain.
 */
export class ConflictLearner {
  private readonly scores = new Map<Address, number>()
  private readonly threshold: number

  constructor(threshold = 0.25) {
    this.threshold = threshold
  }

  isHot(address: Address): boolean {
    return (this.scores.get(address) ?? 0) >= this.threshold
  }

  /** Addresses currently treated as hot (for stats). */
  hot(): Address[] {
    return [...this.scores].filter(([, s]) => s >= this.threshold).map(([a]) => a)
  }

  /**
   * Learns from one block: `calls` counts transactions per target, `conflicts`
   * those that failed validation or depended on an earlier transaction of
   * their chain (other than through their own nonce).
   */
  observe(calls: Map<Address, number>, conflicts: Map<Address, number>): void {
    for (const [address, score] of this.scores) {
      const next = score * 0.5
      if (next < 0.01 && !calls.has(address)) this.scores.delete(address)
      else this.scores.set(address, next)
    }
    for (const [address, count] of calls) {
      if (count < 2) continue
      const rate = (conflicts.get(address) ?? 0) / count
      this.scores.set(address, (this.scores.get(address) ?? 0) + rate * 0.5)
    }
  }
}

export type ScheduledTx = { index: number; chain: number; tx: ExecutableTx }

export type BlockPlan = {
  /** Per thread (0: the calling thread, then the workers), in block order. */
  shares: ScheduledTx[][]
  chains: number
  largestChain: number
}

class UnionFind {
  private readonly parent: Int32Array
  constructor(n: number) {
    this.parent = new Int32Array(n)
    for (let i = 0; i < n; i++) this.parent[i] = i
  }
  find(i: number): number {
    let root = i
    while (this.parent[root] !== root) root = this.parent[root] as number
    while (this.parent[i] !== root) {
      const next = this.parent[i] as number
      this.parent[i] = root
      i = next
    }
    return root
  }
  union(a: number, b: number): void {
    const ra = this.find(a)
    const rb = this.find(b)
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb)
  }
}

/**
 * Groups the block's transactions into chains and spreads the chains over `threads`, each chain to the
 * thread with the least load for its weight (`weights[k]`, default 1; a thread of weight 0 gets nothing).
 */
export function planBlock(
  txs: readonly ExecutableTx[],
  threads: number,
  learner: ConflictLearner,
  weights: readonly number[] = [],
): BlockPlan {
  const n = txs.length
  const uf = new UnionFind(n)
  const owner = new Map<string, number>()
  const link = (key: string, i: number) => {
    const first = owner.get(key)
    if (first === undefined) owner.set(key, i)
    else uf.union(first, i)
  }
  for (let i = 0; i < n; i++) {
    const tx = txs[i] as ExecutableTx
    const from = tx.from.toLowerCase() as Address
    link(`a${from}`, i)
    if (learner.isHot(from)) link(`h${from}`, i)
    if (tx.to) {
      const to = tx.to.toLowerCase() as Address
      if (learner.isHot(to)) link(`h${to}`, i)
    }
    for (const entry of tx.accessList ?? []) {
      const address = entry.address.toLowerCase()
      for (const slot of entry.storageKeys) link(`s${address}${slot.toLowerCase()}`, i)
    }
  }
  // Chains in order of their first transaction; each goes to the least-loaded worker.
  const chainOf = new Int32Array(n)
  const sizes = new Map<number, number>()
  for (let i = 0; i < n; i++) {
    const root = uf.find(i)
    chainOf[i] = root
    sizes.set(root, (sizes.get(root) ?? 0) + 1)
  }
  const load = new Array<number>(threads).fill(0)
  const weight = Array.from({ length: threads }, (_, k) => Math.max(0, weights[k] ?? 1))
  const workerOf = new Map<number, number>()
  const shares: ScheduledTx[][] = Array.from({ length: threads }, () => [])
  let largestChain = 0
  for (let i = 0; i < n; i++) {
    const chain = chainOf[i] as number
    let w = workerOf.get(chain)
    if (w === undefined) {
      const size = sizes.get(chain) as number
      // The thread that would finish soonest with this chain added.
      let best = Number.POSITIVE_INFINITY
      w = threads - 1
      for (let k = 0; k < threads; k++) {
        const finish = ((load[k] as number) + size) / (weight[k] as number)
        if (finish < best) {
          best = finish
          w = k
        }
      }
      load[w] = (load[w] as number) + size
      workerOf.set(chain, w)
      if (size > largestChain) largestChain = size
    }
    shares[w]?.push({ index: i, chain, tx: txs[i] as ExecutableTx })
  }
  return { shares, chains: sizes.size, largestChain }
}
