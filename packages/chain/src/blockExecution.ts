import type { BlockContext, Executor, StateView } from '@rollup-mesh/core'
import { type Address, type Hex, zeroHash } from 'viem'
import {
  type BlockHeader,
  hashHeader,
  receiptsRootOf,
  type StoredHeader,
  transactionsRootOf,
} from './block.js'
import { type BlockCandidate, firstHeaderDifference } from './blockCandidate.js'
import { InvalidBlockError } from './blockErrors.js'
import type { ExitRootHook } from './blockHooks.js'
import type { SignedTx } from './tx.js'

/** What executing a block on top of the head needs from the chain. */
export type BlockExecutionParts = {
  executor: Executor
  state: StateView
  blockGasLimit: bigint
  exitRootHook: ExitRootHook | undefined
  /** The `extraData` of block `number`. */
  extraData: (number: bigint) => Hex
}

/**
 * Executes `txs` in `ctx` against the head state and assembles the block (header, hash, receipts, write
 * set) without committing anything.
 */
export async function executeCandidate(
  parts: BlockExecutionParts,
  parent: StoredHeader,
  ctx: BlockContext,
  candidates: readonly SignedTx[],
  meta: { firstHashes: ReadonlySet<Hex>; now: bigint; follow: boolean; selectMs?: number },
): Promise<BlockCandidate> {
  const started = performance.now()
  const result = await parts.executor.executeBlock({ header: ctx, txs: [...candidates] }, parts.state)
  const executed = performance.now()
  const byHash = new Map(candidates.map((t) => [t.hash, t]))
  const txs = result.included.map((t, i) => {
    const tx = byHash.get(t.hash) as SignedTx
    // A deposit's nonce is the one it used (the hook cannot know it in advance).
    const used = result.receipts[i]?.depositNonce
    return used !== undefined && tx.type === 'deposit' ? { ...tx, nonce: used } : tx
  })
  const exit = parts.exitRootHook?.({ number: ctx.number, receipts: result.receipts })
  const header: BlockHeader = {
    parentHash: parent.hash,
    number: ctx.number,
    timestamp: ctx.timestamp,
    coinbase: ctx.coinbase,
    stateRoot: result.stateRoot,
    transactionsRoot: transactionsRootOf(txs.map((t) => t.hash)),
    receiptsRoot: receiptsRootOf(result.receipts),
    logsBloom: result.logsBloom,
    gasUsed: result.gasUsed,
    gasLimit: parts.blockGasLimit,
    baseFeePerGas: ctx.baseFeePerGas,
    exitRoot: exit?.exitRoot ?? zeroHash,
    extraData: parts.extraData(ctx.number),
  }
  const hash = hashHeader(header)
  return {
    header,
    hash,
    txs,
    receipts: result.receipts,
    writeSet: result.writeSet,
    skipped: result.skipped,
    firstHashes: meta.firstHashes,
    exitCommit: exit?.commit,
    exitRows: exit?.rows,
    exitApplied: exit?.applied,
    builtAt: meta.now,
    follow: meta.follow,
    timing: {
      select: meta.selectMs ?? 0,
      execute: executed - started,
      receipts: performance.now() - executed,
    },
  }
}

const invalid = (h: BlockHeader, field: string, expected: unknown, got: unknown) =>
  new InvalidBlockError({ number: h.number, field, expected: String(expected), got: String(got) })

/** The checks of a proposed header that need no execution: number, parent, timestamp, base fee. */
export function checkProposedContext(parent: StoredHeader, h: BlockHeader, baseFee: bigint): void {
  const number = parent.number + 1n
  if (h.number !== number) throw invalid(h, 'number', number, h.number)
  if (h.parentHash.toLowerCase() !== parent.hash.toLowerCase())
    throw invalid(h, 'parentHash', parent.hash, h.parentHash)
  if (h.timestamp <= parent.timestamp) throw invalid(h, 'timestamp', `> ${parent.timestamp}`, h.timestamp)
  if (h.baseFeePerGas !== baseFee) throw invalid(h, 'baseFeePerGas', baseFee, h.baseFeePerGas)
}

/** The re-executed block must include every proposed transaction and give the proposed header exactly. */
export function checkExecutedCandidate(c: BlockCandidate, proposed: BlockHeader): void {
  const skipped = c.skipped[0]
  if (skipped)
    throw invalid(
      proposed,
      'transactions',
      'every transaction included',
      `${skipped.hash} skipped (${skipped.reason})`,
    )
  const diff = firstHeaderDifference(c.header, proposed)
  if (diff) throw invalid(proposed, diff.field, diff.expected, diff.got)
}

/**
 * `Chain.executeBlock`: checks the proposed context, re-executes exactly the proposed transactions in it
 * (deposits count as block-start transactions) and checks the result against the proposed header.
 */
export async function executeProposedBlock(
  parts: BlockExecutionParts,
  parent: StoredHeader,
  baseFee: bigint,
  proposed: { header: BlockHeader; txs: readonly SignedTx[] },
  contextOf: (at: Pick<BlockContext, 'number' | 'timestamp' | 'coinbase' | 'baseFeePerGas'>) => BlockContext,
): Promise<BlockCandidate> {
  const h = proposed.header
  checkProposedContext(parent, h, baseFee)
  const ctx = contextOf({
    number: h.number,
    timestamp: h.timestamp,
    coinbase: h.coinbase.toLowerCase() as Address,
    baseFeePerGas: h.baseFeePerGas,
  })
  const deposits = new Set(proposed.txs.filter((t) => t.type === 'deposit').map((t) => t.hash))
  const now = wallClockSeconds()
  const c = await executeCandidate(parts, parent, ctx, proposed.txs, {
    firstHashes: deposits,
    now,
    follow: false,
  })
  checkExecutedCandidate(c, h)
  return c
}

/** The wall clock in whole seconds (block timestamps' unit). */
export function wallClockSeconds(): bigint {
  return BigInt(Math.floor(Date.now() / 1000))
}
