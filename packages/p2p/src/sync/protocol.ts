/**
 * What the range-sync protocols share: protocol ids, what a provider serves, limits, response status codes,
 * request options and the request's network field. The server is server.ts, the client client.ts, and
 * what differs per kind (headers, blocks, exit batches) kinds.ts.
 */
import { BaseError, type ExitBatch } from '@rollup-mesh/core'
import type { Block } from '../messages/block.js'
import type { CommittedBlock } from '../messages/committedBlock.js'
import type { SignedHeader } from '../messages/header.js'
import { asString, type RLPItem } from '../rlp.js'
import { PROTOCOL_VERSION } from '../topics.js'

export type SyncKind = 'headers' | 'blocks' | 'exit_batches' | 'commits'

/**
 * `/rollup-mesh/1/sync/headers_by_range`, `/rollup-mesh/1/sync/blocks_by_range`,
 * `/rollup-mesh/1/sync/exit_batches_by_range` and `/rollup-mesh/1/sync/commits_by_range`.
 */
export function syncProtocol(kind: SyncKind): string {
  return `/rollup-mesh/${PROTOCOL_VERSION}/sync/${kind}_by_range`
}

/** What a node serves to peers catching up; return the items it has, in order, starting at `from`. */
export interface SyncProvider {
  getHeaders?(network: string, from: bigint, count: number): Promise<SignedHeader[]> | SignedHeader[]
  getBlocks?(network: string, from: bigint, count: number): Promise<Block[]> | Block[]
  /**
   * The closed settlement batches `fromBatch, fromBatch + 1, …` (at most `count`) of the SPN `network`'s exit
   * tree, with their messages; fewer (or none) when the node has fewer. Each batch is checked as
   * `encodeExitBatch` does before it is sent; an invalid one answers `serverError`.
   */
  getExitBatches?(network: string, fromBatch: bigint, count: number): Promise<ExitBatch[]> | ExitBatch[]
  /** Finalized blocks `from, from + 1, …` of a BFT network with their commit certificates (a lagging validator's catch-up). */
  getCommits?(network: string, from: bigint, count: number): Promise<CommittedBlock[]> | CommittedBlock[]
}

export type SyncLimits = {
  /** Most headers one request may ask for. */
  maxHeaders: number
  /** Most blocks one request may ask for. */
  maxBlocks: number
  /** Largest response the server sends and the client reads for headers (bytes). */
  maxHeadersResponseBytes: number
  /** Largest response the server sends and the client reads for blocks (bytes). */
  maxBlocksResponseBytes: number
  /** Most exit batches one request may ask for. */
  maxExitBatches: number
  /** Largest response the server sends and the client reads for exit batches (bytes). */
  maxExitBatchesResponseBytes: number
  /** Most committed blocks one request may ask for. */
  maxCommits: number
  /** Largest response the server sends and the client reads for committed blocks (bytes). */
  maxCommitsResponseBytes: number
  /** Deadline for a whole request (dial, write, read) on the client and for serving it on the server. */
  timeoutMs: number
}

export const defaultSyncLimits: SyncLimits = {
  maxHeaders: 1024,
  maxBlocks: 128,
  maxHeadersResponseBytes: 1024 * 1024,
  maxBlocksResponseBytes: 16 * 1024 * 1024,
  maxExitBatches: 64,
  maxExitBatchesResponseBytes: 4 * 1024 * 1024,
  maxCommits: 64,
  maxCommitsResponseBytes: 16 * 1024 * 1024,
  timeoutMs: 10_000,
}

/** Response status codes (first RLP item of the response). */
export const SyncStatus = { ok: 0, badRequest: 1, unavailable: 2, serverError: 3 } as const

export type SyncRequestOptions = { signal?: AbortSignal; timeoutMs?: number }

export type ExitBatchRequestOptions = SyncRequestOptions & {
  /** When set, every batch must be of this SPN (its numeric id); otherwise all batches must share one. */
  spnId?: bigint
}

export type ExitBatchFromAnyOptions = ExitBatchRequestOptions & {
  /** Peers to ask, in this order (default: every connected peer). `timeoutMs` applies to each. */
  peers?: string[]
}

/** Decoded network name used inside sync requests. */
export function decodeNetworkName(what: string, item: RLPItem | undefined): string {
  return asString(what, 'network', item, 32)
}

/** The first line of an error's message (the short message of a BaseError), for responses and attempt lists. */
export const firstLine = (err: unknown): string =>
  err instanceof BaseError
    ? err.shortMessage
    : ((err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'unknown error')
