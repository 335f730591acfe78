import { type Address, numberToHex } from 'viem'
import type { Chain } from '../chain.js'
import type { SignedTx } from '../tx.js'
import { formatTx } from './format.js'
import { expectCount, paramAddress } from './params.js'
import type { RPCMethods } from './server.js'

type BySender<T> = Record<Address, Record<string, T>>

/** geth's one-line summary of a pooled transaction (`txpool_inspect`); the price is the fee cap, as geth's `GasPrice()` is. */
function inspectLine(tx: SignedTx): string {
  return `${tx.to ?? 'contract creation'}: ${tx.value} wei + ${tx.gas} gas × ${tx.feeCap} wei`
}

/** `{ sender: { nonce (decimal): what } }`, senders lower-case as anvil writes them. */
function bySender<T>(groups: Map<Address, SignedTx[]>, what: (tx: SignedTx) => T): BySender<T> {
  const out: BySender<T> = {}
  for (const [sender, txs] of groups) {
    const own: Record<string, T> = {}
    for (const tx of txs) own[tx.nonce.toString()] = what(tx)
    out[sender] = own
  }
  return out
}

/**
 * The `txpool_` namespace over the mempool, with geth's and anvil's shapes: `txpool_status` (pending and
 * queued counts as hex), `txpool_content` (`{ pending, queued }` by sender, then by decimal nonce, each a
 * transaction object with null block fields), `txpool_contentFrom` (one sender's `{ pending, queued }`, by
 * nonce) and `txpool_inspect` (geth's summary strings). Pending transactions run next (nonces contiguous
 * from the sender's state nonce); queued ones wait behind a nonce gap.
 *
 * @example
 * ```ts
 * import { createRPCServer, createTxpoolMethods } from '@rollup-mesh/chain'
 *
 * const server = createRPCServer({ ...createTxpoolMethods(chain) })
 * await server.start()
 * // viem: await client.request({ method: 'txpool_status' }) // { pending: '0x1', queued: '0x0' }
 * ```
 */
export function createTxpoolMethods(chain: Chain): RPCMethods {
  const pooled = (tx: SignedTx) => formatTx(tx, null)
  return {
    txpool_status: (p) => {
      expectCount(p, 0, 0)
      const { pending, queued } = chain.mempool.stats()
      return { pending: numberToHex(pending), queued: numberToHex(queued) }
    },
    txpool_content: (p) => {
      expectCount(p, 0, 0)
      const { pending, queued } = chain.mempool.content()
      return { pending: bySender(pending, pooled), queued: bySender(queued, pooled) }
    },
    txpool_contentFrom: (p) => {
      expectCount(p, 1, 1)
      const sender = paramAddress(p, 0)
      const { pending, queued } = chain.mempool.content()
      const byNonce = (txs: SignedTx[] | undefined) =>
        Object.fromEntries((txs ?? []).map((tx) => [tx.nonce.toString(), pooled(tx)] as const))
      return { pending: byNonce(pending.get(sender)), queued: byNonce(queued.get(sender)) }
    },
    txpool_inspect: (p) => {
      expectCount(p, 0, 0)
      const { pending, queued } = chain.mempool.content()
      return { pending: bySender(pending, inspectLine), queued: bySender(queued, inspectLine) }
    },
  }
}
