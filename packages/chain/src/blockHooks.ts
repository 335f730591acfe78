import type { Receipt } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import type { SignedTx } from './tx.js'

/**
 * Computes a block's `exitRoot` from its receipts (see `Chain.setExitRootHook`). `commit` persists the
 * hook's state inside the block's store transaction.
 */
export type ExitRootHook = (block: { number: bigint; receipts: readonly Receipt[] }) => {
  exitRoot: Hex
  commit?: () => void
}

/**
 * Supplies the transactions placed first in the block being sealed (deposits from `depositTx`: delivered
 * cross-network messages). They never enter the mempool; their gas is taken from the block's budget
 * before mempool transactions are selected. A transaction whose hash is already on chain is dropped.
 */
export type BlockStartHook = (block: {
  number: bigint
  timestamp: bigint
}) => readonly SignedTx[] | Promise<readonly SignedTx[]>
