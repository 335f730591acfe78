import type { StateView } from '@rollup-mesh/core'
import type { Address } from 'viem'
import type { SignedTx } from './tx.js'

/** The pool's transactions of one sender by nonce: `pending` runs next (nonces contiguous from the state's), `queued` waits behind a gap. */
export type MempoolContent = {
  pending: Map<Address, SignedTx[]>
  queued: Map<Address, SignedTx[]>
}

/** The pool's transactions: sender → nonce → transaction. */
export type PoolBySender = ReadonlyMap<Address, ReadonlyMap<bigint, SignedTx>>

/**
 * Pending (executable: nonces contiguous from the sender's state nonce) and queued (held back by a gap)
 * counts of a pool.
 *
 * @example
 * ```ts
 * import { poolStats } from './mempoolContent.js'
 *
 * poolStats(new Map(), state) // { pending: 0, queued: 0 }
 * ```
 */
export function poolStats(bySender: PoolBySender, state: StateView): { pending: number; queued: number } {
  let pending = 0
  let total = 0
  for (const [sender, own] of bySender) {
    total += own.size
    let n = state.getAccount(sender)?.nonce ?? 0n
    while (own.has(n)) {
      pending++
      n++
    }
  }
  return { pending, queued: total - pending }
}

/**
 * Every pooled transaction by sender, split as `poolStats` counts them: `pending` from the sender's state
 * nonce up to the first gap, `queued` the rest; each list in nonce order (what `txpool_content` shows).
 *
 * @example
 * ```ts
 * import { poolContent } from './mempoolContent.js'
 *
 * poolContent(new Map(), state) // { pending: Map {}, queued: Map {} }
 * ```
 */
export function poolContent(bySender: PoolBySender, state: StateView): MempoolContent {
  const pending = new Map<Address, SignedTx[]>()
  const queued = new Map<Address, SignedTx[]>()
  for (const [sender, own] of bySender) {
    let next = state.getAccount(sender)?.nonce ?? 0n
    const p: SignedTx[] = []
    const q: SignedTx[] = []
    for (const nonce of [...own.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const e = own.get(nonce) as SignedTx
      if (nonce === next) {
        p.push(e)
        next++
      } else q.push(e)
    }
    if (p.length) pending.set(sender, p)
    if (q.length) queued.set(sender, q)
  }
  return { pending, queued }
}
