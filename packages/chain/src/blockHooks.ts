import type { Receipt } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import type { StoreRowWrite } from './storeTypes.js'
import type { SignedTx } from './tx.js'

/**
 * Computes a block's `exitRoot` from its receipts (see `Chain.setExitRootHook`). What the hook persists
 * lands in the block's store transaction: as data (`rows`: what a commit on the writer thread can carry),
 * with `applied` run once the block is the chain's tip (its in-memory state follows the block); or as a
 * closure `commit` run inside the transaction (inline commits only: `commit: 'writer'` refuses it).
 */
export type ExitRootHook = (block: { number: bigint; receipts: readonly Receipt[] }) => {
  exitRoot: Hex
  rows?: readonly StoreRowWrite[]
  applied?: () => void
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
