import type { Logger } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import type { BlockStartHook } from './blockHooks.js'
import type { Mempool } from './mempool.js'
import type { ChainStore } from './store.js'
import type { SignedTx } from './tx.js'

/**
 * The block-start hook's transactions for block `number`, without duplicates or ones already on chain. A
 * hook that throws is logged and gives none: block production never stops on a hook.
 */
export async function blockStartTxs(
  hook: BlockStartHook | undefined,
  parts: { store: ChainStore; log: Logger; unwritten?: ((hash: Hex) => boolean) | undefined },
  number: bigint,
  timestamp: bigint,
): Promise<SignedTx[]> {
  if (!hook) return []
  let supplied: readonly SignedTx[]
  try {
    supplied = await hook({ number, timestamp })
  } catch (err) {
    parts.log.error({ block: Number(number), err }, 'block start hook failed; sealing without its txs')
    return []
  }
  const out: SignedTx[] = []
  const seen = new Set<Hex>()
  for (const tx of supplied) {
    if (seen.has(tx.hash)) continue
    seen.add(tx.hash)
    if (parts.unwritten?.(tx.hash) || parts.store.getTx(tx.hash)) {
      parts.log.warn({ block: Number(number), tx: tx.hash }, 'block start tx already on chain; dropped')
      continue
    }
    out.push(tx)
  }
  return out
}

/**
 * The transactions of the block being built: the block-start hook's first, then the mempool's best that
 * fit the gas and count left. `firstHashes` marks the hook's (they never were in the mempool).
 */
/** What selecting a block's transactions needs from the chain. */
export type SelectionParts = {
  hook: BlockStartHook | undefined
  store: ChainStore
  log: Logger
  mempool: Mempool
  blockGasLimit: bigint
  maxTxs: number
  /** Whether a transaction is in a block the commit writer holds (on chain, not in the store yet). */
  unwritten?: (hash: Hex) => boolean
}

export async function selectBlockTxs(
  parts: SelectionParts,
  block: { number: bigint; timestamp: bigint; baseFee: bigint },
): Promise<{ txs: SignedTx[]; firstHashes: Set<Hex> }> {
  const first = await blockStartTxs(parts.hook, parts, block.number, block.timestamp)
  const firstHashes = new Set(first.map((t) => t.hash))
  let firstGas = 0n
  for (const t of first) firstGas += t.gas
  const { blockGasLimit, maxTxs } = parts
  const fromPool =
    firstGas >= blockGasLimit || first.length >= maxTxs
      ? []
      : parts.mempool
          .select(block.baseFee, blockGasLimit - firstGas, maxTxs - first.length)
          .filter((t) => !firstHashes.has(t.hash))
  return { txs: first.length ? [...first, ...fromPool] : fromPool, firstHashes }
}
