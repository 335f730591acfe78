import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import {
  type GossipSub,
  type GossipsubMessage,
  gossipsub,
  StrictNoSign,
  TopicValidatorResult,
} from '@libp2p/gossipsub'
import {
  createTopicScoreParams,
  type PeerScoreParams,
  type PeerScoreThresholds,
  type TopicScoreParams,
} from '@libp2p/gossipsub/score'
import { identify } from '@libp2p/identify'
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import {
  type Address,
  createSilentLogger,
  type ExitBatch,
  type Hex,
  InvalidParameterError,
  isAddressEqual,
  type Logger,
  NotStartedError,
  type Startable,
} from '@rollup-mesh/core'
import { createLibp2p } from 'libp2p'
import { MessageTooLargeError } from './errors.js'
import { loadOrCreatePeerKey } from './identity.js'
import type { Block } from './messages.js'
import {
  decodeHeader,
  decodeSettlement,
  decodeTx,
  encodeHeader,
  encodeSettlement,
  encodeTx,
  type GossipTx,
  MESSAGE_LIMITS,
  recoverHeaderSigner,
  recoverSettlementSigner,
  type SignedHeader,
  type SignedSettlement,
} from './messages.js'
import { defaultPeerScoreParams, defaultPeerScoreThresholds, defaultTopicScoreParams } from './scoring.js'
import {
  defaultSyncLimits,
  type ExitBatchFromAnyOptions,
  type ExitBatchRequestOptions,
  type SyncLimits,
  type SyncProvider,
  type SyncRequestOptions,
  SyncService,
} from './sync.js'
import { assertNetworkName, parseTopic, type TopicKind, topicName } from './topics.js'

export type ValidationResult = 'accept' | 'reject' | 'ignore'

/** A gossip message after strict decoding and signature recovery, handed to validators and listeners. */
export type GossipMessage =
  | { kind: 'headers'; network: string; from: string; header: SignedHeader; signer: Address }
  | { kind: 'settlements'; network: string; from: string; settlement: SignedSettlement; signer: Address }
  | { kind: 'txs'; network: string; from: string; tx: GossipTx }

/** The node's own check of a decoded message (e.g. "extends my chain"); runs before forwarding. */
export type GossipValidator = (message: GossipMessage) => ValidationResult | Promise<ValidationResult>

export type P2PEvents = {
  /** A message that passed every check (codec, signature, the node's validator). */
  message: GossipMessage
  'peer:connect': { peerId: string }
  'peer:disconnect': { peerId: string }
  /** A peer fell below the graylist threshold and was disconnected and banned. */
  'peer:banned': { peerId: string; score: number; until: number }
}

export type ReconnectOptions = {
  /** First retry delay (ms). Default 250. */
  initialDelayMs: number
  /** Cap on the delay (ms). Default 30 000. */
  maxDelayMs: number
  /** Growth per failed attempt. Default 2. */
  factor: number
  /** Deadline for one dial (ms). Default 5 000. */
  dialTimeoutMs: number
}

export type P2PInit = {
  /** Directory holding the persistent identity (`p2p-peer.key`, mode 0600). Without it (and without `privateKey`) the identity is ephemeral. */
  dataDir?: string
  /** An explicit identity; wins over `dataDir`. */
  privateKey?: PrivateKey
  /** Listen multiaddrs. Default `['/ip4/127.0.0.1/tcp/0']` (loopback, OS-chosen port). */
  listen?: string[]
  /** Addresses to announce instead of the listen addresses (multi-host deployments behind NAT). */
  announce?: string[]
  /** Peers to dial on start and to redial with backoff whenever the connection drops. */
  bootstrap?: string[]
  reconnect?: Partial<ReconnectOptions>
  /** Topics to join on start. More can be joined with `subscribe()`. */
  subscriptions?: Array<{ network: string; kinds: TopicKind[] }>
  /** Block-producer address per network: headers and settlements on that network must be signed by it. */
  producers?: Record<string, Address>
  /** Serves headers, blocks and exit batches to peers catching up. */
  syncProvider?: SyncProvider
  syncLimits?: Partial<SyncLimits>
  /** Overrides of the gossipsub score settings (see scoring.ts). */
  score?: {
    params?: Partial<PeerScoreParams>
    topic?: Partial<TopicScoreParams>
    thresholds?: Partial<PeerScoreThresholds>
    /** How long a graylisted peer stays banned (ms). Default 10 minutes. */
    banMs?: number
  }
  /** Gossipsub heartbeat (ms). Default 1000. */
  heartbeatIntervalMs?: number
  logger?: Logger
}

export interface P2P extends Startable {
  readonly peerId: string
  /** The underlying libp2p node (escape hatch; its API is libp2p's, not ours). */
  readonly libp2p: Libp2p
  getMultiaddrs(): string[]
  getPeers(): string[]
  /** Dials a multiaddr (with or without `/p2p/<id>`); `persistent` keeps redialling it with backoff. */
  dial(addr: string, options?: { persistent?: boolean }): Promise<string>
  hangUp(peerId: string): Promise<void>
  subscribe(network: string, kind: TopicKind): void
  unsubscribe(network: string, kind: TopicKind): void
  getSubscribers(network: string, kind: TopicKind): string[]
  /** Replaces the node's validator for one topic; `undefined` removes it (accept after codec + signature). */
  setValidator(network: string, kind: TopicKind, validator: GossipValidator | undefined): void
  setProducer(network: string, producer: Address | undefined): void
  setSyncProvider(provider: SyncProvider | undefined): void
  publishHeader(network: string, header: SignedHeader): Promise<number>
  publishSettlement(network: string, settlement: SignedSettlement): Promise<number>
  publishTx(network: string, raw: Hex): Promise<number>
  /** Publishes bytes unchecked (tools and adversarial tests only). */
  publishRaw(network: string, kind: TopicKind, data: Uint8Array): Promise<number>
  requestHeaders(
    peerId: string,
    network: string,
    from: bigint,
    count: number,
    options?: SyncRequestOptions,
  ): Promise<SignedHeader[]>
  requestBlocks(
    peerId: string,
    network: string,
    from: bigint,
    count: number,
    options?: SyncRequestOptions,
  ): Promise<Block[]>
  /**
   * Asks `peerId` for up to `count` settlement batches (with their messages) of SPN `network`'s exit tree,
   * starting at `fromBatch`; checked for range and consistency, not against the finalized exit root.
   */
  requestExitBatches(
    peerId: string,
    network: string,
    fromBatch: bigint,
    count: number,
    options?: ExitBatchRequestOptions,
  ): Promise<ExitBatch[]>
  /**
   * Asks connected peers (or `options.peers`) in turn; the first that answers with at least one batch wins.
   * Throws `SyncError` `SYNC_UNAVAILABLE` with `attempts` (what each peer said) when none does.
   */
  requestExitBatchesFromAny(
    network: string,
    fromBatch: bigint,
    count: number,
    options?: ExitBatchFromAnyOptions,
  ): Promise<{ peerId: string; batches: ExitBatch[] }>
  /** The gossipsub score this node gives `peerId`. */
  getScore(peerId: string): number
  isBanned(peerId: string): boolean
  on<K extends keyof P2PEvents>(event: K, listener: (detail: P2PEvents[K]) => void): () => void
}

/** What the rest of gossipsub's class offers beyond its public interface (present in 17.x). */
type GossipSubInternals = GossipSub & {
  getScore(peerId: string): number
  score: { params: PeerScoreParams }
}

export const defaultReconnectOptions: ReconnectOptions = {
  initialDelayMs: 250,
  maxDelayMs: 30_000,
  factor: 2,
  dialTimeoutMs: 5_000,
}

/** Hard cap for any gossip frame; per-topic limits (MESSAGE_LIMITS) are tighter and cost the sender score. */
const MAX_GOSSIP_DATA = 1024 * 1024

const TOPIC_LIMIT: Record<TopicKind, number> = {
  headers: MESSAGE_LIMITS.header,
  settlements: MESSAGE_LIMITS.settlement,
  txs: MESSAGE_LIMITS.tx,
}

/**
 * Builds a rollup-mesh libp2p node (TCP + Noise + Yamux + identify + gossipsub) with strict topic
 * validation, peer scoring with graylist disconnects, header/block sync and bootstrap reconnection.
 * Nothing listens until `start()`.
 */
export async function createP2P(init: P2PInit = {}): Promise<P2P> {
  const log = (init.logger ?? createSilentLogger()).child({ module: 'p2p' })
  const privateKey =
    init.privateKey ?? (init.dataDir ? (await loadOrCreatePeerKey(init.dataDir)).privateKey : undefined)
  const banned = new Map<string, number>()
  const isBanned = (peerId: string): boolean => {
    const until = banned.get(peerId)
    if (until === undefined) return false
    if (until > Date.now()) return true
    banned.delete(peerId)
    return false
  }
  const thresholds = { ...defaultPeerScoreThresholds, ...init.score?.thresholds }
  const libp2p = await createLibp2p({
    start: false,
    ...(privateKey ? { privateKey } : {}),
    addresses: {
      listen: init.listen ?? ['/ip4/127.0.0.1/tcp/0'],
      ...(init.announce ? { announce: init.announce } : {}),
    },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: {
      denyDialPeer: async (peerId: PeerId) => isBanned(peerId.toString()),
      denyInboundEncryptedConnection: async (peerId: PeerId) => isBanned(peerId.toString()),
      denyOutboundEncryptedConnection: async (peerId: PeerId) => isBanned(peerId.toString()),
    },
    services: {
      identify: identify(),
      pubsub: gossipsub({
        // Application messages carry their own producer signatures; libp2p-level signing would
        // only make message ids depend on the relaying peer. Ids are sha256(data), so the same
        // bytes from any number of peers are one message, dropped from the seen-cache before decoding.
        globalSignaturePolicy: StrictNoSign,
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        maxInboundDataLength: MAX_GOSSIP_DATA,
        heartbeatInterval: init.heartbeatIntervalMs ?? 1000,
        scoreParams: { ...defaultPeerScoreParams, ...init.score?.params },
        scoreThresholds: thresholds,
      }),
    },
  })
  return new P2PNode(libp2p, init, log, banned, isBanned, thresholds.graylistThreshold)
}

type BootstrapEntry = {
  addr: Multiaddr
  peerId: string | undefined
  attempt: number
  timer: ReturnType<typeof setTimeout> | undefined
  dialing: boolean
}

class P2PNode implements P2P {
  readonly libp2p: Libp2p
  readonly #init: P2PInit
  readonly #log: Logger
  readonly #banned: Map<string, number>
  readonly #isBanned: (peerId: string) => boolean
  readonly #graylist: number
  readonly #sync: SyncService
  readonly #validators = new Map<string, GossipValidator>()
  readonly #producers = new Map<string, Address>()
  readonly #decoded = new WeakMap<Uint8Array, GossipMessage>()
  readonly #listeners = new Map<keyof P2PEvents, Set<(detail: never) => void>>()
  readonly #reconnect: ReconnectOptions
  readonly #bootstrap: BootstrapEntry[] = []
  #started = false
  #cleanup: Array<() => void> = []

  constructor(
    libp2p: Libp2p,
    init: P2PInit,
    log: Logger,
    banned: Map<string, number>,
    isBanned: (peerId: string) => boolean,
    graylist: number,
  ) {
    this.libp2p = libp2p
    this.#init = init
    this.#log = log
    this.#banned = banned
    this.#isBanned = isBanned
    this.#graylist = graylist
    this.#reconnect = { ...defaultReconnectOptions, ...init.reconnect }
    this.#sync = new SyncService(libp2p, { ...defaultSyncLimits, ...init.syncLimits }, log, init.syncProvider)
    for (const [network, producer] of Object.entries(init.producers ?? {}))
      this.setProducer(network, producer)
    for (const addr of init.bootstrap ?? []) this.#addBootstrap(addr)
  }

  get peerId(): string {
    return this.libp2p.peerId.toString()
  }

  get #pubsub(): GossipSubInternals {
    return (this.libp2p.services as { pubsub: GossipSubInternals }).pubsub
  }

  isStarted(): boolean {
    return this.#started
  }

  async start(): Promise<void> {
    if (this.#started) return
    await this.libp2p.start()
    await this.#sync.start()
    const onConnect = (e: CustomEvent<PeerId>) => this.#emit('peer:connect', { peerId: e.detail.toString() })
    const onDisconnect = (e: CustomEvent<PeerId>) => {
      const peerId = e.detail.toString()
      this.#emit('peer:disconnect', { peerId })
      for (const entry of this.#bootstrap) if (entry.peerId === peerId) this.#scheduleDial(entry)
    }
    const onHeartbeat = () => this.#enforceGraylist()
    const onMessage = (e: CustomEvent<GossipsubMessage>) => {
      const { msg, propagationSource } = e.detail
      // gossipsub hands the validator and this event the same bytes, so the decoded form is reused;
      // should a future version copy them, the message is decoded again rather than lost.
      const decoded = this.#decoded.get(msg.data)
      if (decoded) this.#emit('message', decoded)
      else if (parseTopic(msg.topic))
        void this.#decode(msg.topic, msg.data, propagationSource.toString()).then(
          (m) => this.#emit('message', m),
          (err) => this.#log.debug({ err }, 'accepted message no longer decodes'),
        )
    }
    this.libp2p.addEventListener('peer:connect', onConnect)
    this.libp2p.addEventListener('peer:disconnect', onDisconnect)
    this.#pubsub.addEventListener('gossipsub:heartbeat', onHeartbeat)
    this.#pubsub.addEventListener('gossipsub:message', onMessage)
    this.#cleanup = [
      () => this.libp2p.removeEventListener('peer:connect', onConnect),
      () => this.libp2p.removeEventListener('peer:disconnect', onDisconnect),
      () => this.#pubsub.removeEventListener('gossipsub:heartbeat', onHeartbeat),
      () => this.#pubsub.removeEventListener('gossipsub:message', onMessage),
    ]
    this.#started = true
    for (const sub of this.#init.subscriptions ?? [])
      for (const kind of sub.kinds) this.subscribe(sub.network, kind)
    for (const entry of this.#bootstrap) this.#scheduleDial(entry, 0)
    this.#log.info({ peerId: this.peerId, addrs: this.getMultiaddrs() }, 'p2p started')
  }

  async stop(): Promise<void> {
    if (!this.#started) return
    this.#started = false
    for (const entry of this.#bootstrap) {
      clearTimeout(entry.timer)
      entry.timer = undefined
    }
    for (const fn of this.#cleanup) fn()
    this.#cleanup = []
    await this.#sync.stop().catch(() => {})
    await this.libp2p.stop()
    this.#log.info({ peerId: this.peerId }, 'p2p stopped')
  }

  getMultiaddrs(): string[] {
    return this.libp2p.getMultiaddrs().map((a) => a.toString())
  }

  getPeers(): string[] {
    return this.libp2p.getPeers().map((p) => p.toString())
  }

  async dial(addr: string, options: { persistent?: boolean } = {}): Promise<string> {
    this.#assertStarted()
    if (options.persistent) {
      const entry = this.#addBootstrap(addr)
      await this.#dialEntry(entry)
      if (!entry.peerId)
        throw new InvalidParameterError({ param: 'addr', expected: 'a reachable multiaddr', got: addr })
      return entry.peerId
    }
    const conn = await this.libp2p.dial(multiaddr(addr), {
      signal: AbortSignal.timeout(this.#reconnect.dialTimeoutMs),
    })
    return conn.remotePeer.toString()
  }

  async hangUp(peerId: string): Promise<void> {
    const peer = this.libp2p.getPeers().find((p) => p.toString() === peerId)
    if (peer) await this.libp2p.hangUp(peer)
  }

  subscribe(network: string, kind: TopicKind): void {
    this.#assertStarted()
    const topic = topicName(network, kind)
    const params = this.#pubsub.score.params
    if (!params.topics[topic])
      params.topics[topic] = createTopicScoreParams({
        ...defaultTopicScoreParams,
        ...this.#init.score?.topic,
      })
    this.#pubsub.topicValidators.set(topic, (peer, msg) =>
      this.#validate(peer.toString(), msg.topic, msg.data),
    )
    this.#pubsub.subscribe(topic)
  }

  unsubscribe(network: string, kind: TopicKind): void {
    const topic = topicName(network, kind)
    this.#pubsub.unsubscribe(topic)
    this.#pubsub.topicValidators.delete(topic)
  }

  getSubscribers(network: string, kind: TopicKind): string[] {
    return this.#pubsub.getSubscribers(topicName(network, kind)).map((p) => p.toString())
  }

  setValidator(network: string, kind: TopicKind, validator: GossipValidator | undefined): void {
    const topic = topicName(network, kind)
    if (validator) this.#validators.set(topic, validator)
    else this.#validators.delete(topic)
  }

  setProducer(network: string, producer: Address | undefined): void {
    assertNetworkName(network)
    if (producer) this.#producers.set(network, producer)
    else this.#producers.delete(network)
  }

  setSyncProvider(provider: SyncProvider | undefined): void {
    this.#sync.setProvider(provider)
  }

  publishHeader(network: string, header: SignedHeader): Promise<number> {
    return this.#publish(network, 'headers', encodeHeader(header))
  }

  publishSettlement(network: string, settlement: SignedSettlement): Promise<number> {
    return this.#publish(network, 'settlements', encodeSettlement(settlement))
  }

  publishTx(network: string, raw: Hex): Promise<number> {
    return this.#publish(network, 'txs', encodeTx(raw))
  }

  publishRaw(network: string, kind: TopicKind, data: Uint8Array): Promise<number> {
    this.#assertStarted()
    return this.#pubsub.publish(topicName(network, kind), data).then((r) => r.recipients.length)
  }

  async #publish(network: string, kind: TopicKind, data: Uint8Array): Promise<number> {
    this.#assertStarted()
    if (data.length > TOPIC_LIMIT[kind])
      throw new MessageTooLargeError({
        what: `A ${kind} message`,
        size: data.length,
        limit: TOPIC_LIMIT[kind],
      })
    const result = await this.#pubsub.publish(topicName(network, kind), data)
    return result.recipients.length
  }

  requestHeaders(peerId: string, network: string, from: bigint, count: number, options?: SyncRequestOptions) {
    this.#assertStarted()
    return this.#sync.requestHeaders(peerId, network, from, count, options)
  }

  requestBlocks(peerId: string, network: string, from: bigint, count: number, options?: SyncRequestOptions) {
    this.#assertStarted()
    return this.#sync.requestBlocks(peerId, network, from, count, options)
  }

  requestExitBatches(
    peerId: string,
    network: string,
    fromBatch: bigint,
    count: number,
    options?: ExitBatchRequestOptions,
  ) {
    this.#assertStarted()
    return this.#sync.requestExitBatches(peerId, network, fromBatch, count, options)
  }

  requestExitBatchesFromAny(
    network: string,
    fromBatch: bigint,
    count: number,
    options?: ExitBatchFromAnyOptions,
  ) {
    this.#assertStarted()
    return this.#sync.requestExitBatchesFromAny(network, fromBatch, count, options)
  }

  getScore(peerId: string): number {
    return this.#pubsub.getScore(peerId)
  }

  isBanned(peerId: string): boolean {
    return this.#isBanned(peerId)
  }

  on<K extends keyof P2PEvents>(event: K, listener: (detail: P2PEvents[K]) => void): () => void {
    let set = this.#listeners.get(event)
    if (!set) {
      set = new Set()
      this.#listeners.set(event, set)
    }
    set.add(listener as (detail: never) => void)
    return () => set.delete(listener as (detail: never) => void)
  }

  #emit<K extends keyof P2PEvents>(event: K, detail: P2PEvents[K]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        ;(listener as (d: P2PEvents[K]) => void)(detail)
      } catch (err) {
        this.#log.error({ err, event }, 'p2p event listener threw')
      }
    }
  }

  /** The gossipsub topic validator: size, strict codec, producer signature, then the node's own check. */
  async #validate(from: string, topic: string, data: Uint8Array): Promise<TopicValidatorResult> {
    const parsed = parseTopic(topic)
    if (!parsed) return TopicValidatorResult.Ignore
    const { network, kind } = parsed
    if (data.length > TOPIC_LIMIT[kind]) return this.#verdict('reject', from, topic, 'over the size limit')
    let message: GossipMessage
    try {
      message = await this.#decode(topic, data, from)
    } catch (err) {
      return this.#verdict('reject', from, topic, (err as Error).message.split('\n')[0])
    }
    if (message.kind !== 'txs') {
      const producer = this.#producers.get(network)
      if (producer && !isAddressEqual(producer, message.signer))
        return this.#verdict(
          'reject',
          from,
          topic,
          `signed by ${message.signer}, not the producer ${producer}`,
        )
    }
    const validator = this.#validators.get(topic)
    let result: ValidationResult = 'accept'
    if (validator) {
      try {
        result = await validator(message)
      } catch (err) {
        this.#log.warn({ err, topic }, 'gossip validator threw; ignoring the message')
        result = 'ignore'
      }
    }
    if (result === 'accept') this.#decoded.set(data, message)
    return this.#verdict(result, from, topic)
  }

  async #decode(topic: string, data: Uint8Array, from: string): Promise<GossipMessage> {
    const { network, kind } = parseTopic(topic) as { network: string; kind: TopicKind }
    if (kind === 'headers') {
      const header = decodeHeader(data)
      return { kind, network, from, header, signer: await recoverHeaderSigner(network, header) }
    }
    if (kind === 'settlements') {
      const settlement = decodeSettlement(data)
      return { kind, network, from, settlement, signer: await recoverSettlementSigner(network, settlement) }
    }
    return { kind, network, from, tx: await decodeTx(data) }
  }

  #verdict(result: ValidationResult, from: string, topic: string, reason?: string): TopicValidatorResult {
    if (result !== 'accept') this.#log.debug({ from, topic, result, reason }, 'gossip message not accepted')
    return result === 'accept'
      ? TopicValidatorResult.Accept
      : result === 'reject'
        ? TopicValidatorResult.Reject
        : TopicValidatorResult.Ignore
  }

  /** Disconnects and bans every connected peer whose score is below the graylist threshold. */
  #enforceGraylist(): void {
    const banMs = this.#init.score?.banMs ?? 10 * 60 * 1000
    const now = Date.now()
    for (const [peerId, until] of this.#banned) if (until <= now) this.#banned.delete(peerId)
    for (const peer of this.libp2p.getPeers()) {
      const peerId = peer.toString()
      const score = this.#pubsub.getScore(peerId)
      if (score >= this.#graylist || this.#isBanned(peerId)) continue
      const until = Date.now() + banMs
      this.#banned.set(peerId, until)
      this.#log.warn({ peerId, score }, 'peer graylisted: disconnecting and banning')
      this.#emit('peer:banned', { peerId, score, until })
      this.libp2p.hangUp(peer).catch((err) => this.#log.debug({ err, peerId }, 'hang up failed'))
    }
  }

  #addBootstrap(addr: string): BootstrapEntry {
    let ma: Multiaddr
    try {
      ma = multiaddr(addr)
    } catch {
      throw new InvalidParameterError({
        param: 'bootstrap',
        expected: 'multiaddrs like /ip4/127.0.0.1/tcp/4001/p2p/<peer id>',
        got: addr,
      })
    }
    const existing = this.#bootstrap.find((e) => e.addr.equals(ma))
    if (existing) return existing
    const entry: BootstrapEntry = {
      addr: ma,
      peerId: ma.getComponents().find((c) => c.name === 'p2p')?.value,
      attempt: 0,
      timer: undefined,
      dialing: false,
    }
    this.#bootstrap.push(entry)
    return entry
  }

  #scheduleDial(entry: BootstrapEntry, delayMs?: number): void {
    if (!this.#started || entry.timer || entry.dialing) return
    const { initialDelayMs, maxDelayMs, factor } = this.#reconnect
    const base = Math.min(maxDelayMs, initialDelayMs * factor ** Math.max(0, entry.attempt - 1))
    const delay = delayMs ?? base * (0.8 + Math.random() * 0.4)
    entry.timer = setTimeout(() => {
      entry.timer = undefined
      void this.#dialEntry(entry)
    }, delay)
  }

  async #dialEntry(entry: BootstrapEntry): Promise<void> {
    if (!this.#started || entry.dialing) return
    if (entry.peerId && (this.#isBanned(entry.peerId) || this.getPeers().includes(entry.peerId))) return
    entry.dialing = true
    try {
      const conn = await this.libp2p.dial(entry.addr, {
        signal: AbortSignal.timeout(this.#reconnect.dialTimeoutMs),
      })
      entry.peerId = conn.remotePeer.toString()
      entry.attempt = 0
      this.#log.debug({ addr: entry.addr.toString() }, 'bootstrap peer connected')
    } catch (err) {
      entry.attempt++
      this.#log.debug(
        { err, addr: entry.addr.toString(), attempt: entry.attempt },
        'bootstrap dial failed; retrying',
      )
    } finally {
      entry.dialing = false
    }
    if (entry.attempt > 0) this.#scheduleDial(entry)
  }

  #assertStarted(): void {
    if (!this.#started) throw new NotStartedError('P2P')
  }
}
