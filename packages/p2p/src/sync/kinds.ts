import type { ExitBatch } from '@rollup-mesh/core'
import { type Block, blockFromRLP, blockToRLP } from '../messages/block.js'
import {
  type CommittedBlock,
  committedBlockFromRLP,
  committedBlockToRLP,
} from '../messages/committedBlock.js'
import { exitBatchFromRLP, exitBatchToRLP } from '../messages/exitBatch.js'
import { headerFromRLP, headerToRLP, type SignedHeader } from '../messages/header.js'
import { MESSAGE_LIMITS } from '../messages/limits.js'
import type { RLPItem } from '../rlp.js'
import type { SyncKind, SyncLimits, SyncProvider } from './protocol.js'

type SyncItems = { headers: SignedHeader; blocks: Block; exit_batches: ExitBatch; commits: CommittedBlock }
export type SyncItem = SyncItems[SyncKind]
export type Getter = (network: string, from: bigint, count: number) => Promise<SyncItem[]> | SyncItem[]

/** Everything that differs between the range protocols. */
export type KindSpec = {
  /** Plural and singular, as used in messages. */
  label: string
  one: string
  maxCount: (limits: SyncLimits) => number
  maxBytes: (limits: SyncLimits) => number
  /** Largest single item (bytes) the server sends, besides the response limit. */
  maxItemBytes: number | undefined
  toRLP: (item: SyncItem) => unknown[]
  fromRLP: (item: RLPItem) => SyncItem
  number: (item: SyncItem) => bigint
  getter: (provider: SyncProvider) => Getter | undefined
}

export const KINDS: Record<SyncKind, KindSpec> = {
  headers: {
    label: 'headers',
    one: 'header',
    maxCount: (l) => l.maxHeaders,
    maxBytes: (l) => l.maxHeadersResponseBytes,
    maxItemBytes: undefined,
    toRLP: (item) => headerToRLP(item as SignedHeader),
    fromRLP: (item) => headerFromRLP(item),
    number: (item) => (item as SignedHeader).number,
    getter: (p) => p.getHeaders && ((n, f, c) => p.getHeaders?.(n, f, c) ?? []),
  },
  blocks: {
    label: 'blocks',
    one: 'block',
    maxCount: (l) => l.maxBlocks,
    maxBytes: (l) => l.maxBlocksResponseBytes,
    maxItemBytes: undefined,
    toRLP: (item) => blockToRLP(item as Block),
    fromRLP: (item) => blockFromRLP(item),
    number: (item) => (item as Block).header.number,
    getter: (p) => p.getBlocks && ((n, f, c) => p.getBlocks?.(n, f, c) ?? []),
  },
  exit_batches: {
    label: 'exit batches',
    one: 'exit batch',
    maxCount: (l) => l.maxExitBatches,
    maxBytes: (l) => l.maxExitBatchesResponseBytes,
    maxItemBytes: MESSAGE_LIMITS.exitBatch,
    toRLP: (item) => exitBatchToRLP(item as ExitBatch),
    fromRLP: (item) => exitBatchFromRLP(item),
    number: (item) => (item as ExitBatch).batch,
    getter: (p) => p.getExitBatches && ((n, f, c) => p.getExitBatches?.(n, f, c) ?? []),
  },
  commits: {
    label: 'committed blocks',
    one: 'committed block',
    maxCount: (l) => l.maxCommits,
    maxBytes: (l) => l.maxCommitsResponseBytes,
    maxItemBytes: MESSAGE_LIMITS.block,
    toRLP: (item) => committedBlockToRLP(item as CommittedBlock),
    fromRLP: (item) => committedBlockFromRLP(item),
    number: (item) => (item as CommittedBlock).number,
    getter: (p) => p.getCommits && ((n, f, c) => p.getCommits?.(n, f, c) ?? []),
  },
}

export const KIND_NAMES = Object.keys(KINDS) as SyncKind[]
