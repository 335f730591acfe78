import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { type ExitBatch, InvalidParameterError, type Logger } from '@rollup-mesh/core'
import { type SyncAttempt, SyncError } from '../errors.js'
import type { Block } from '../messages/block.js'
import type { CommittedBlock } from '../messages/committedBlock.js'
import type { SignedHeader } from '../messages/header.js'
import { asList, asSafeNumber, asString, type RLPItem, rlpDecode, rlpEncode } from '../rlp.js'
import { KINDS, type SyncItem } from './kinds.js'
import {
  type ExitBatchFromAnyOptions,
  type ExitBatchRequestOptions,
  firstLine,
  type SyncKind,
  type SyncLimits,
  type SyncRequestOptions,
  SyncStatus,
  syncProtocol,
} from './protocol.js'

/**
 * Asks peers for ranges of headers, blocks and exit batches and checks what they answer: status, size,
 * strict decoding of every item, numbering from `from`, and (exit batches) one SPN and contiguous blocks.
 */
export class SyncClient {
  readonly #libp2p: Libp2p
  readonly #limits: SyncLimits
  readonly #log: Logger

  constructor(libp2p: Libp2p, limits: SyncLimits, log: Logger) {
    this.#libp2p = libp2p
    this.#limits = limits
    this.#log = log
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

  /** Asks `peer` for up to `count` finalized blocks of `network` with their commit certificates, from `from`. */
  requestCommits(
    peer: string | PeerId,
    network: string,
    from: bigint,
    count: number,
    options?: SyncRequestOptions,
  ): Promise<CommittedBlock[]> {
    return this.#request(peer, 'commits', network, from, count, options) as Promise<CommittedBlock[]>
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
