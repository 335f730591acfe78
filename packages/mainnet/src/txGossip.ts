import { type Chain, isImpersonated, type TxRejectReason } from '@rollup-mesh/chain'
import { type Logger, MAINNET_NETWORK } from '@rollup-mesh/core'
import type { GossipMessage, P2P, ValidationResult } from '@rollup-mesh/p2p'
import type { Hex } from 'viem'

/**
 * Pool refusals that no honest peer can cause: the transaction is wrong whatever the state (bad encoding,
 * signature, chain id, type, gas bounds). They cost the sender its score. Every other refusal (already
 * known, nonce, balance, fee below the base fee, pool full) depends on this node's state, which an honest
 * peer may see differently, so the message is only ignored.
 */
const STATELESS_REFUSALS: ReadonlySet<TxRejectReason> = new Set<TxRejectReason>([
  'INVALID_ENCODING',
  'UNSUPPORTED_TYPE',
  'INVALID_SIGNATURE',
  'WRONG_CHAIN_ID',
  'OVERSIZED',
  'INTRINSIC_GAS_TOO_LOW',
  'GAS_LIMIT_EXCEEDED',
  'TIP_ABOVE_FEE_CAP',
])

/**
 * The gossip verdict on a pool refusal: `reject` for a stateless one (the sender pays score), `ignore`
 * otherwise.
 *
 * @example
 * ```ts
 * import { TxRejectedError } from '@rollup-mesh/chain'
 * import { txRefusalVerdict } from '@rollup-mesh/mainnet'
 *
 * txRefusalVerdict(new TxRejectedError('WRONG_CHAIN_ID', 'wrong chain id')) // 'reject'
 * txRefusalVerdict(new TxRejectedError('NONCE_TOO_LOW', 'nonce too low')) // 'ignore'
 * ```
 */
export function txRefusalVerdict(err: unknown): ValidationResult {
  const reason = (err as { reason?: unknown } | null)?.reason
  return typeof reason === 'string' && STATELESS_REFUSALS.has(reason as TxRejectReason) ? 'reject' : 'ignore'
}

/** What `createTxGossip` returns: counters (for tests and status), `attach` to a p2p node, and `close`. */
export type TxGossip = {
  /** Transactions received over gossip and added to this node's pool. */
  readonly received: () => number
  /** Transactions this node published (they entered its pool other than by gossip). */
  readonly published: () => number
  /** Starts gossiping over `p2p` (its topic validator and the pool listener); once per node. */
  attach(p2p: P2P): void
  close(): void
}

/**
 * Transaction gossip between main-net validators on `/rollup-mesh/1/mainnet/txs`: every transaction that
 * enters this node's pool other than by gossip (`eth_sendRawTransaction`, dev signing) is published; a
 * gossiped transaction (already size-checked and strictly decoded by p2p, sender recovered) is added to
 * the pool by the topic validator, and gossipsub forwards it only when the pool took it. So a transaction
 * sent to any validator is in every validator's pool and is included by whichever proposes; a block's
 * commit removes it from each pool, so it is included once.
 *
 * @example
 * ```ts
 * import { createTxGossip } from '@rollup-mesh/mainnet'
 *
 * const gossip = createTxGossip({ chain, logger })
 * gossip.attach(p2p) // once the node's libp2p host exists
 * console.log(gossip.received(), gossip.published())
 * gossip.close()
 * ```
 */
export function createTxGossip(parts: { chain: Chain; logger: Logger }): TxGossip {
  const { chain } = parts
  const log = parts.logger.child({ module: 'tx-gossip' })
  let received = 0
  let published = 0
  let detach: (() => void) | undefined
  // Hashes being added from gossip: their pool event must not publish them again (gossipsub forwards).
  const fromGossip = new Set<Hex>()
  const verdict = async (m: GossipMessage): Promise<ValidationResult> => {
    if (m.kind !== 'txs') return 'ignore'
    const hash = m.tx.hash.toLowerCase() as Hex
    if (chain.mempool.has(hash)) return 'ignore'
    fromGossip.add(hash)
    try {
      await chain.mempool.add(m.tx.raw)
      received++
      return 'accept'
    } catch (err) {
      const result = txRefusalVerdict(err)
      if (result === 'reject') log.debug({ from: m.from, err }, 'gossiped transaction rejected')
      return result
    } finally {
      fromGossip.delete(hash)
    }
  }
  return {
    received: () => received,
    published: () => published,
    attach(p2p) {
      detach?.()
      p2p.setValidator(MAINNET_NETWORK, 'txs', verdict)
      const off = chain.mempool.events.on('tx', (tx) => {
        if (!p2p.isStarted() || fromGossip.has(tx.hash) || isImpersonated(tx) || tx.type === 'deposit') return
        published++
        p2p.publishTx(MAINNET_NETWORK, tx.raw).catch((err: unknown) => {
          log.debug({ err, hash: tx.hash }, 'transaction not published')
        })
      })
      detach = () => {
        off()
        p2p.setValidator(MAINNET_NETWORK, 'txs', undefined)
      }
    },
    close: () => {
      detach?.()
      detach = undefined
    },
  }
}
