import type { Receipt, SkippedTx, WriteSet } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import type { BlockHeader } from './block.js'
import type { StoreRowWrite } from './storeTypes.js'
import type { SignedTx } from './tx.js'

/**
 * A block executed on top of the head but not committed (`Chain.buildBlock`, `Chain.executeBlock`): its
 * header and hash, what it includes and what executing it produced. The store and the state are untouched
 * until `Chain.commitCandidate`.
 */
export type BlockCandidate = {
  readonly header: BlockHeader
  readonly hash: Hex
  readonly txs: readonly SignedTx[]
  readonly receipts: readonly Receipt[]
  readonly writeSet: WriteSet
  /** Transactions the executor skipped (only a built block has any; an executed one must include all). */
  readonly skipped: readonly SkippedTx[]
  /** Hashes of the block-start (hook) transactions placed first; they never were in the mempool. */
  readonly firstHashes: ReadonlySet<Hex>
  /** Persists the exit-root hook's state inside the block's store transaction (a closure: inline commits only). */
  readonly exitCommit?: (() => void) | undefined
  /** The exit-root hook's rows, as data, for the block's store transaction. */
  readonly exitRows?: readonly StoreRowWrite[] | undefined
  /** Moves the exit-root hook's in-memory state to this block (run when the block becomes the tip). */
  readonly exitApplied?: (() => void) | undefined
  /** The wall-clock second it was built at, and whether the block clock follows its timestamp. */
  readonly builtAt: bigint
  readonly follow: boolean
  /** Milliseconds spent selecting its transactions (0 for a proposed block), executing it, and assembling receipts and header. */
  readonly timing: { readonly select: number; readonly execute: number; readonly receipts: number }
}

/** The header fields `executeBlock` compares, in `BlockHeader` order (the first that differs is reported). */
export const HEADER_FIELDS = [
  'parentHash',
  'number',
  'timestamp',
  'coinbase',
  'stateRoot',
  'transactionsRoot',
  'receiptsRoot',
  'logsBloom',
  'gasUsed',
  'gasLimit',
  'baseFeePerGas',
  'exitRoot',
  'extraData',
] as const satisfies readonly (keyof BlockHeader)[]

/** The first header field where `got` differs from `expected` (hex compared case-insensitively), or null. */
export function firstHeaderDifference(
  expected: BlockHeader,
  got: BlockHeader,
): { field: keyof BlockHeader; expected: string; got: string } | null {
  for (const field of HEADER_FIELDS) {
    const a = expected[field]
    const b = got[field]
    const same =
      typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b
    if (!same) return { field, expected: String(a), got: String(b) }
  }
  return null
}
