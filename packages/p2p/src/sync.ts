import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import type { Logger } from '@rollup-mesh/core'
import { SyncError } from './errors.js'
import {
  type Block,
  blockFromRLP,
  blockToRLP,
  decodeNetworkName,
  headerFromRLP,
  headerToRLP,
  type SignedHeader,
} from './messages.js'
import { asList, asSafeNumber, asString, asUint, type RLPItem, rlpDecode, rlpEncode } from './rlp.js'
import { PROTOCOL_VERSION } from './topics.js'

export type SyncKind = 'headers' | 'blocks'

/** `/rollup-mesh/1/sync/headers_by_range` and `/rollup-mesh/1/sync/blocks_by_range`. */
export function syncProtocol(kind: SyncKind): string {
  return `/rollup-mesh/${PROTOCOL_VERSION}/sync/${kind}_by_range`
}

/** What a node serves to peers catching up; return the items it has, in order, starting at `from`. */
export interface SyncProvider {
  getHeaders?(network: string, from: bigint, count: number): Promise<SignedHeader[]> | SignedHeader[]
  getBlocks?(network: string, from: bigint, count: number): Promise<Block[]> | Block[]
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
  /** Deadline for a whole request (dial, write, read) on the client and for serving it on the server. */
  timeoutMs: number
}

export const defaultSyncLimits: SyncLimits = {
  maxHeaders: 1024,
  maxBlocks: 128,
  maxHeadersResponseBytes: 1024 * 1024,
  maxBlocksResponseBytes: 16 * 1024 * 1024,
  timeoutMs: 10_000,
}

const MAX_REQUEST_BYTES = 128

/** Response status codes (first RLP item of the response). */
export const SyncStatus = { ok: 0, badRequest: 1, unavailable: 2, serverError: 3 } as const

export type SyncRequestOptions = { signal?: AbortSignal; timeoutMs?: number }

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
    for (const kind of ['headers', 'blocks'] as const) {
      await this.#libp2p.handle(syncProtocol(kind), (stream) => this.#serve(kind, stream), {
        maxInboundStreams: 8,
        maxOutboundStreams: 8,
      })
    }
  }

  async stop(): Promise<void> {
    await this.#libp2p.unhandle([syncProtocol('headers'), syncProtocol('blocks')])
  }

  #maxCount(kind: SyncKind): number {
    return kind === 'headers' ? this.#limits.maxHeaders : this.#limits.maxBlocks
  }

  #maxBytes(kind: SyncKind): number {
    return kind === 'headers' ? this.#limits.maxHeadersResponseBytes : this.#limits.maxBlocksResponseBytes
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
    let network: string
    let from: bigint
    let count: number
    try {
      const f = asList('sync request', '(root)', rlpDecode('sync request', request), 3)
      network = decodeNetworkName('sync request', f[0])
      from = asUint('sync request', 'from', f[1], 8)
      count = asSafeNumber('sync request', 'count', f[2])
    } catch (err) {
      return rlpEncode([SyncStatus.badRequest, (err as Error).message.split('\n')[0] ?? 'malformed request'])
    }
    const max = this.#maxCount(kind)
    if (count < 1 || count > max)
      return rlpEncode([SyncStatus.badRequest, `count ${count} is outside 1..${max}`])
    const provider = this.#provider
    const get =
      kind === 'headers'
        ? provider?.getHeaders && ((n: string, f: bigint, c: number) => provider.getHeaders?.(n, f, c) ?? [])
        : provider?.getBlocks && ((n: string, f: bigint, c: number) => provider.getBlocks?.(n, f, c) ?? [])
    if (!get) return rlpEncode([SyncStatus.unavailable, `this node does not serve ${kind}`])
    let items: Array<SignedHeader | Block>
    try {
      items = await get(network, from, count)
    } catch (err) {
      this.#log.warn({ err, kind, network }, 'sync provider failed')
      return rlpEncode([SyncStatus.serverError, 'provider failed'])
    }
    const maxBytes = this.#maxBytes(kind) - 16
    const out: unknown[] = []
    let total = 0
    for (const item of items.slice(0, count)) {
      const fields = kind === 'headers' ? headerToRLP(item as SignedHeader) : blockToRLP(item as Block)
      const size = rlpEncode(fields).length
      if (total + size + 8 > maxBytes) break
      out.push(fields)
      total += size
    }
    if (out.length === 0 && items.length > 0)
      return rlpEncode([SyncStatus.serverError, `the first ${kind.slice(0, -1)} exceeds the response limit`])
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

  async #request(
    peer: string | PeerId,
    kind: SyncKind,
    network: string,
    from: bigint,
    count: number,
    options: SyncRequestOptions = {},
  ): Promise<Array<SignedHeader | Block>> {
    const peerId = typeof peer === 'string' ? peerIdFromString(peer) : peer
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.#limits.timeoutMs)
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
    let data: Uint8Array
    let stream: Stream | undefined
    try {
      stream = await this.#libp2p.dialProtocol(peerId, syncProtocol(kind), { signal })
      const lp = lpStream(stream, { maxDataLength: this.#maxBytes(kind) })
      await lp.write(rlpEncode([network, from, count]), { signal })
      data = (await lp.read({ signal })).subarray()
      await stream.close({ signal }).catch(() => {})
    } catch (err) {
      stream?.abort(err as Error)
      if (timeout.aborted)
        throw new SyncError('SYNC_TIMEOUT', `Sync request for ${kind} timed out.`, { cause: err })
      const tooLarge = (err as Error).name === 'InvalidDataLengthError'
      throw new SyncError(
        tooLarge ? 'SYNC_INVALID_RESPONSE' : 'SYNC_STREAM_ERROR',
        tooLarge
          ? `Sync response for ${kind} exceeds ${this.#maxBytes(kind)} bytes.`
          : `Sync request for ${kind} failed.`,
        { cause: err },
      )
    }
    return this.#parseResponse(kind, data, from, count)
  }

  #parseResponse(kind: SyncKind, data: Uint8Array, from: bigint, count: number): Array<SignedHeader | Block> {
    let f: RLPItem[]
    let status: number
    try {
      f = asList('sync response', '(root)', rlpDecode('sync response', data), 2)
      status = asSafeNumber('sync response', 'status', f[0])
    } catch (err) {
      throw new SyncError('SYNC_INVALID_RESPONSE', `Sync response for ${kind} is malformed.`, { cause: err })
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
      throw new SyncError(code, `Peer refused the ${kind} request: ${reason || 'no reason given'}.`)
    }
    let items: Array<SignedHeader | Block>
    try {
      const list = asList('sync response', 'items', f[1])
      items = list.map((item) => (kind === 'headers' ? headerFromRLP(item) : blockFromRLP(item)))
    } catch (err) {
      throw new SyncError('SYNC_INVALID_RESPONSE', `Sync response for ${kind} has an invalid item.`, {
        cause: err,
      })
    }
    if (items.length > count)
      throw new SyncError(
        'SYNC_INVALID_RESPONSE',
        `Peer sent ${items.length} ${kind}, more than the ${count} asked for.`,
      )
    items.forEach((item, i) => {
      const n = 'header' in item ? item.header.number : item.number
      if (n !== from + BigInt(i))
        throw new SyncError(
          'SYNC_INVALID_RESPONSE',
          `Peer sent ${kind} out of range: item ${i} is #${n}, expected #${from + BigInt(i)}.`,
        )
    })
    return items
  }
}
