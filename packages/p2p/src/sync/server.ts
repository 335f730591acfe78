import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { BaseError, type Logger } from '@rollup-mesh/core'
import { MessageTooLargeError } from '../errors.js'
import { asList, asSafeNumber, asUint, rlpDecode, rlpEncode } from '../rlp.js'
import { KIND_NAMES, KINDS, type SyncItem } from './kinds.js'
import {
  decodeNetworkName,
  firstLine,
  type SyncKind,
  type SyncLimits,
  type SyncProvider,
  SyncStatus,
  syncProtocol,
} from './protocol.js'

const MAX_REQUEST_BYTES = 128

/** A bad request's reason as sent back: the short message and what was expected, at most 512 characters. */
const reasonOf = (err: unknown): string =>
  (err instanceof BaseError
    ? [err.shortMessage, ...(err.metaMessages ?? []).map((m) => m.replace(/^- /, ''))].join(' ')
    : firstLine(err)
  ).slice(0, 512)

/**
 * Serves the range-sync protocols from a `SyncProvider`: decodes the request, checks the count against the
 * limits, asks the provider, and answers with as many encoded items as fit the response limit.
 */
export class SyncServer {
  readonly #libp2p: Libp2p
  readonly #limits: SyncLimits
  readonly #log: Logger
  #provider: SyncProvider | undefined
  /** Called with the sender of each malformed request (it costs the peer score). */
  readonly #onBadRequest: (peerId: string) => void

  constructor(
    libp2p: Libp2p,
    limits: SyncLimits,
    log: Logger,
    provider?: SyncProvider,
    onBadRequest: (peerId: string) => void = () => {},
  ) {
    this.#libp2p = libp2p
    this.#limits = limits
    this.#log = log
    this.#provider = provider
    this.#onBadRequest = onBadRequest
  }

  setProvider(provider: SyncProvider | undefined): void {
    this.#provider = provider
  }

  async start(): Promise<void> {
    for (const kind of KIND_NAMES) {
      await this.#libp2p.handle(
        syncProtocol(kind),
        (stream, connection) => this.#serve(kind, stream, connection),
        {
          maxInboundStreams: 8,
          maxOutboundStreams: 8,
        },
      )
    }
  }

  async stop(): Promise<void> {
    await this.#libp2p.unhandle(KIND_NAMES.map(syncProtocol))
  }

  async #serve(kind: SyncKind, stream: Stream, connection: Connection): Promise<void> {
    const peerId = connection.remotePeer.toString()
    const signal = AbortSignal.timeout(this.#limits.timeoutMs)
    const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES })
    try {
      let response: Uint8Array
      try {
        const request = await lp.read({ signal })
        response = await this.#answer(kind, request.subarray(), peerId)
      } catch (err) {
        if (signal.aborted) throw err
        // the request frame itself was too large or broken
        response = this.#bad(peerId, `request: ${(err as Error).message}`)
      }
      await lp.write(response, { signal })
      await stream.close({ signal })
    } catch (err) {
      this.#log.debug({ err, kind }, 'sync request failed')
      stream.abort(err as Error)
    }
  }

  async #answer(kind: SyncKind, request: Uint8Array, peerId: string): Promise<Uint8Array> {
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
      return this.#bad(peerId, reasonOf(err))
    }
    const max = spec.maxCount(this.#limits)
    if (count < 1 || count > max) return this.#bad(peerId, `count ${count} is outside 1..${max}`)
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

  /** A bad-request answer; the request costs its sender score. */
  #bad(peerId: string, reason: string): Uint8Array {
    this.#onBadRequest(peerId)
    return rlpEncode([SyncStatus.badRequest, reason])
  }
}
