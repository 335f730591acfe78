import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { BaseError, type ExitBatch, InvalidParameterError, type Logger } from '@rollup-mesh/core'
import { MessageTooLargeError, type SyncAttempt, SyncError } from './errors.js'
import {
  type Block,
  blockFromRLP,
  blockToRLP,
  decodeNetworkName,
  exitBatchFromRLP,
  exitBatchToRLP,
  headerFromRLP,
  headerToRLP,
  MESSAGE_LIMITS,
  type SignedHeader,
} from './messages.js'
import { asList, asSafeNumber, asString, asUint, type RLPItem, rlpDecode, rlpEncode } from './rlp.js'
import { PROTOCOL_VERSION } from './topics.js'

export type SyncKind = 'headers' | 'blocks' | 'exit_batches'

/**
 * `/rollup-mesh/1/sync/headers_by_range`, `/rollup-mesh/1/sync/blocks_by_range` and
 * `/rollup-mesh/1/sync/exit_batches_by_range`.
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
  timeoutMs: 10_000,
}

const MAX_REQUEST_BYTES = 128

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

type SyncItems = { headers: SignedHeader; blocks: Block; exit_batches: ExitBatch }
type SyncItem = SyncItems[SyncKind]
type Getter = (network: string, from: bigint, count: number) => Promise<SyncItem[]> | SyncItem[]

/** Everything that differs between the range protocols. */
type KindSpec = {
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

const KINDS: Record<SyncKind, KindSpec> = {
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
}

const KIND_NAMES = Object.keys(KINDS) as SyncKind[]

/** The first line of an error's message (the short message of a BaseError), for responses and attempt lists. */
const firstLine = (err: unknown): string =>
  err instanceof BaseError
    ? err.shortMessage
    : ((err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'unknown error')

/** A bad request's reason as sent back: the short message and what was expected, at most 512 characters. */
const reasonOf = (err: unknown): string =>
  (err instanceof BaseError
    ? [err.shortMessage, ...(err.metaMessages ?? []).map((m) => m.replace(/^- /, ''))].join(' ')
    : firstLine(err)
  ).slice(0, 512)

export class SyncService {
  readonly #libp2p: Libp2p
  readonly #limits: SyncLimits
  readonly #log: Logger
  #provider: SyncProvider | undefined

  constructor(libp2p: Libp2p, limits: SyncLimits, log: Logger, provider?: SyncProvider) {
    this.#libp2p = libp2p
    this.#limits = limits
    this.#log = log
    this.#provider = provider
  }

  setProvider(provider: SyncProvider | undefined): void {
    this.#provider = provider
  }

  async start(): Promise<void> {
    for (const kind of KIND_NAMES) {
      await this.#libp2p.handle(syncProtocol(kind), (stream) => this.#serve(kind, stream), {
        maxInboundStreams: 8,
        maxOutboundStreams: 8,
      })
    }
  }

  async stop(): Promise<void> {
    await this.#libp2p.unhandle(KIND_NAMES.map(syncProtocol))
  }

  async #serve(kind: SyncKind, stream: Stream): Promise<void> {
    const signal = AbortSignal.timeout(this.#limits.timeoutMs)
    const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES })
    try {
      let response: Uint8Array
      try {
        const request = await lp.read({ signal })
        response = await this.#answer(kind, request.subarray())
      } catch (err) {
        if (signal.aborted) throw err
        // the request frame itself was too large or broken
        response = rlpEncode([SyncStatus.badRequest, `request: ${(err as Error).message}`])
      }
      await lp.write(response, { signal })
      await stream.close({ signal })
    } catch (err) {
      this.#log.debug({ err, kind }, 'sync request failed')
      stream.abort(err as Error)
    }
  }

  async #answer(kind: SyncKind, request: Uint8Array): Promise<Uint8Array> {
    const spec = KINDS[kind]
    let network: string
    let from: bigint
    let count: number
    try {
      const f = asList('sync request', '(root)', rlpDecode('sync request', request), 3)
      network = decodeNetworkName('sync request', f[0])
      from = asUint('sync request', 'from', f[1], 8)
      count = asSafeNumber('sync request', 'count', f[2])
    } catch (err) {
      return rlpEncode([SyncStatus.badRequest, reasonOf(err)])
    }
    const max = spec.maxCount(this.#limits)
    if (count < 1 || count > max)
      return rlpEncode([SyncStatus.badRequest, `count ${count} is outside 1..${max}`])
    const get = this.#provider && spec.getter(this.#provider)
    if (!get) return rlpEncode([SyncStatus.unavailable, `this node does not serve ${spec.label}`])
    let items: SyncItem[]
    try {
      items = await get(network, from, count)
    } catch (err) {
      this.#log.warn({ err, kind, network }, 'sync provider failed')
      return rlpEncode([SyncStatus.serverError, 'provider failed'])
    }
    const maxBytes = spec.maxBytes(this.#limits) - 16
    const out: unknown[] = []
    let total = 0
    for (const item of items.slice(0, count)) {
      let fields: unknown[]
      let size: number
      try {
        fields = spec.toRLP(item)
        size = rlpEncode(fields).length
        if (spec.maxItemBytes !== undefined && size > spec.maxItemBytes)
          throw new MessageTooLargeError({ what: spec.one, size, limit: spec.maxItemBytes })
      } catch (err) {
        this.#log.warn({ err, kind, network, index: out.length }, 'sync provider returned an invalid item')
        return rlpEncode([SyncStatus.serverError, `provider returned an invalid ${spec.one}`])
      }
      if (total + size + 8 > maxBytes) break
      out.push(fields)
      total += size
    }
    if (out.length === 0 && items.length > 0)
      return rlpEncode([SyncStatus.serverError, `the first ${spec.one} exceeds the response limit`])
    return rlpEncode([SyncStatus.ok, out])
  }

  /** Asks `peer` for up to `count` headers of `network` starting at `from`. */
  requestHeaders(
    peer: string | PeerId,
    network: string,
    from: bigint,
    count: number,
    options?: SyncRequestOptions,
  ): Promise<SignedHeader[]> {
    return this.#request(peer, 'headers', network, from, count, options) as Promise<SignedHeader[]>
  }

  /** Asks `peer` for up to `count` blocks of `network` starting at `from`. */
  requestBlocks(
    peer: string | PeerId,
    network: string,
    from: bigint,
    count: number,
    options?: SyncRequestOptions,
  ): Promise<Block[]> {
    return this.#request(peer, 'blocks', network, from, count, options) as Promise<Block[]>
  }

  /**
   * Asks `peer` for up to `count` settlement batches of SPN `network`'s exit tree starting at `fromBatch`.
   * The answer is checked: at most `count` batches, numbered `fromBatch, fromBatch + 1, …`, each block range
   * starting where the previous one ended, all of one SPN (`options.spnId` when given). Whether the
   * messages are the ones the main net finalized is the caller's check (recompute the exit root).
   */
  async requestExitBatches(
    peer: string | PeerId,
    network: string,
    fromBatch: bigint,
    count: number,
    options: ExitBatchRequestOptions = {},
  ): Promise<ExitBatch[]> {
    if (typeof fromBatch !== 'bigint' || fromBatch < 0n || fromBatch >= 1n << 64n)
      throw new InvalidParameterError({ param: 'fromBatch', expected: 'a uint64 bigint', got: fromBatch })
    if (!Number.isSafeInteger(count) || count < 1)
      throw new InvalidParameterError({ param: 'count', expected: 'a positive integer', got: count })
    const batches = (await this.#request(
      peer,
      'exit_batches',
      network,
      fromBatch,
      count,
      options,
    )) as ExitBatch[]
    const spnId = options.spnId ?? batches[0]?.spnId
    batches.forEach((b, i) => {
      if (b.spnId !== spnId)
        throw new SyncError(
          'SYNC_INVALID_RESPONSE',
          `Peer sent exit batch #${b.batch} of SPN ${b.spnId}, expected SPN ${spnId}.`,
        )
      const prev = batches[i - 1]
      if (prev && b.fromBlock !== prev.toBlock + 1n)
        throw new SyncError(
          'SYNC_INVALID_RESPONSE',
          `Peer sent exit batch #${b.batch} from block ${b.fromBlock}, expected ${prev.toBlock + 1n} (after batch #${prev.batch}).`,
        )
    })
    return batches
  }

  /**
   * Asks each peer in turn (`options.peers`, default every connected peer) until one answers `ok` with at
   * least one batch; refusals, errors, timeouts and empty answers move on to the next peer. Throws a
   * `SyncError` (`SYNC_UNAVAILABLE`, with `attempts`) listing what every peer said when none had them.
   */
  async requestExitBatchesFromAny(
    network: string,
    fromBatch: bigint,
    count: number,
    options: ExitBatchFromAnyOptions = {},
  ): Promise<{ peerId: string; batches: ExitBatch[] }> {
    const { peers, ...requestOptions } = options
    const candidates = peers ?? this.#libp2p.getPeers().map((p) => p.toString())
    const attempts: SyncAttempt[] = []
    for (const peerId of candidates) {
      if (options.signal?.aborted) break
      try {
        const batches = await this.requestExitBatches(peerId, network, fromBatch, count, requestOptions)
        if (batches.length > 0) return { peerId, batches }
        attempts.push({ peerId, result: 'SYNC_EMPTY', message: 'answered with no batches' })
      } catch (err) {
        if (err instanceof InvalidParameterError) throw err
        attempts.push({
          peerId,
          result: err instanceof SyncError ? err.code : 'SYNC_STREAM_ERROR',
          message:
            err instanceof SyncError && err.cause !== undefined
              ? `${err.shortMessage} (${firstLine(err.cause)})`
              : firstLine(err),
        })
        this.#log.debug(
          { err, peerId, network, fromBatch },
          'exit batch request failed; trying the next peer',
        )
      }
    }
    const aborted = options.signal?.aborted === true
    throw new SyncError(
      aborted ? 'SYNC_STREAM_ERROR' : 'SYNC_UNAVAILABLE',
      aborted
        ? `Exit batch request for ${network} from #${fromBatch} was aborted.`
        : candidates.length === 0
          ? `No peer to ask for exit batches of ${network}: not connected to any.`
          : `No peer served exit batches of ${network} from #${fromBatch} (${candidates.length} asked).`,
      {
        ...(aborted ? { cause: options.signal?.reason } : {}),
        metaMessages: attempts.map((a) => `- ${a.peerId}: ${a.result} ${a.message}`),
        attempts,
      },
    )
  }

  async #request(
    peer: string | PeerId,
    kind: SyncKind,
    network: string,
    from: bigint,
    count: number,
    options: SyncRequestOptions = {},
  ): Promise<SyncItem[]> {
    const label = KINDS[kind].label
    const maxBytes = KINDS[kind].maxBytes(this.#limits)
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.#limits.timeoutMs)
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
    let data: Uint8Array
    let stream: Stream | undefined
    try {
      const peerId = typeof peer === 'string' ? peerIdFromString(peer) : peer
      stream = await this.#libp2p.dialProtocol(peerId, syncProtocol(kind), { signal })
      const lp = lpStream(stream, { maxDataLength: maxBytes })
      await lp.write(rlpEncode([network, from, count]), { signal })
      data = (await lp.read({ signal })).subarray()
      await stream.close({ signal }).catch(() => {})
    } catch (err) {
      stream?.abort(err as Error)
      if (timeout.aborted)
        throw new SyncError('SYNC_TIMEOUT', `Sync request for ${label} timed out.`, { cause: err })
      const tooLarge = (err as Error).name === 'InvalidDataLengthError'
      throw new SyncError(
        tooLarge ? 'SYNC_INVALID_RESPONSE' : 'SYNC_STREAM_ERROR',
        tooLarge
          ? `Sync response for ${label} exceeds ${maxBytes} bytes.`
          : `Sync request for ${label} failed.`,
        { cause: err },
      )
    }
    return this.#parseResponse(kind, data, from, count)
  }

  #parseResponse(kind: SyncKind, data: Uint8Array, from: bigint, count: number): SyncItem[] {
    const spec = KINDS[kind]
    let f: RLPItem[]
    let status: number
    try {
      f = asList('sync response', '(root)', rlpDecode('sync response', data), 2)
      status = asSafeNumber('sync response', 'status', f[0])
    } catch (err) {
      throw new SyncError('SYNC_INVALID_RESPONSE', `Sync response for ${spec.label} is malformed.`, {
        cause: err,
      })
    }
    if (status !== SyncStatus.ok) {
      let reason = ''
      try {
        reason = asString('sync response', 'reason', f[1], 1024)
      } catch {}
      const code =
        status === SyncStatus.badRequest
          ? 'SYNC_BAD_REQUEST'
          : status === SyncStatus.unavailable
            ? 'SYNC_UNAVAILABLE'
            : 'SYNC_SERVER_ERROR'
      throw new SyncError(code, `Peer refused the ${spec.label} request: ${reason || 'no reason given'}.`)
    }
    let items: SyncItem[]
    try {
      const list = asList('sync response', 'items', f[1])
      if (list.length > count)
        throw new SyncError(
          'SYNC_INVALID_RESPONSE',
          `Peer sent ${list.length} ${spec.label}, more than the ${count} asked for.`,
        )
      items = list.map((item) => spec.fromRLP(item))
    } catch (err) {
      if (err instanceof SyncError) throw err
      throw new SyncError('SYNC_INVALID_RESPONSE', `Sync response for ${spec.label} has an invalid item.`, {
        cause: err,
      })
    }
    items.forEach((item, i) => {
      const n = spec.number(item)
      if (n !== from + BigInt(i))
        throw new SyncError(
          'SYNC_INVALID_RESPONSE',
          `Peer sent ${spec.label} out of range: item ${i} is #${n}, expected #${from + BigInt(i)}.`,
        )
    })
    return items
  }
}
