/**
 * The P2P node (`createP2P`): the class that wires the parts together (host.ts builds libp2p,
 * validation.ts checks gossip, bans.ts bans graylisted peers, reconnect.ts keeps bootstrap peers
 * connected, sync/ serves and requests ranges) and publishes and subscribes gossip.
 * The `P2P` interface, its options and events are in p2pInterface.ts.
 */
import type { GossipSub, GossipsubMessage } from '@libp2p/gossipsub'
import { createTopicScoreParams, type PeerScoreParams } from '@libp2p/gossipsub/score'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import {
  type Address,
  createSilentLogger,
  type Hex,
  type Logger,
  NotStartedError,
  TypedEmitter,
} from '@rollup-mesh/core'
import { DEFAULT_BAN_MS, PeerBans } from './bans.js'
import { MessageTooLargeError } from './errors.js'
import { createHost } from './host.js'
import { loadOrCreatePeerKey } from './identity.js'
import {
  type ConsensusEnvelope,
  encodeConsensusEnvelope,
  encodeProposalEnvelope,
  type ProposalEnvelope,
} from './messages/consensus.js'
import { encodeHeader, type SignedHeader } from './messages/header.js'
import { encodeSettlement, type SignedSettlement } from './messages/settlement.js'
import { encodeTx } from './messages/tx.js'
import type { P2P, P2PEvents, P2PInit } from './p2pInterface.js'
import { defaultReconnectOptions, type ReconnectOptions, Reconnector } from './reconnect.js'
import { defaultPeerScoreThresholds, defaultTopicScoreParams } from './scoring.js'
import { SyncClient } from './sync/client.js'
import { SyncPenalties } from './sync/penalties.js'
import {
  defaultSyncLimits,
  type ExitBatchFromAnyOptions,
  type ExitBatchRequestOptions,
  type SyncProvider,
  type SyncRequestOptions,
} from './sync/protocol.js'
import { SyncServer } from './sync/server.js'
import { parseTopic, type TopicKind, topicName } from './topics.js'
import { GossipValidation, type GossipValidator, TOPIC_LIMITS } from './validation.js'

/** What the rest of gossipsub's class offers beyond its public interface (present in 17.x). */
type GossipSubInternals = GossipSub & {
  getScore(peerId: string): number
  score: { params: PeerScoreParams }
}

/**
 * Builds a rollup-mesh libp2p node (TCP + Noise + Yamux + identify + gossipsub) with strict topic
 * validation, peer scoring with graylist disconnects, header/block sync and bootstrap reconnection.
 * Nothing listens until `start()`.
 *
 * @example
 * ```ts
 * import '@rollup-mesh/core/polyfill' // Node 20: Promise.withResolvers, used by libp2p
 * import assert from 'node:assert/strict'
 * import { createP2P } from '@rollup-mesh/p2p'
 *
 * const a = await createP2P({ subscriptions: [{ network: 'spn1', kinds: ['txs'] }] })
 * const b = await createP2P()
 * await a.start()
 * await b.start()
 * const peer = await b.dial(a.getMultiaddrs()[0] as string)
 * assert.equal(peer, a.peerId)
 * await b.stop()
 * await a.stop()
 * ```
 */
export async function createP2P(init: P2PInit = {}): Promise<P2P> {
  const log = (init.logger ?? createSilentLogger()).child({ module: 'p2p' })
  const privateKey =
    init.privateKey ?? (init.dataDir ? (await loadOrCreatePeerKey(init.dataDir)).privateKey : undefined)
  const bans = new PeerBans()
  const penalties = new SyncPenalties()
  const thresholds = { ...defaultPeerScoreThresholds, ...init.score?.thresholds }
  const libp2p = await createHost({
    privateKey,
    listen: init.listen,
    announce: init.announce,
    scoreParams: { appSpecificScore: (peerId) => penalties.score(peerId), ...init.score?.params },
    thresholds,
    heartbeatIntervalMs: init.heartbeatIntervalMs,
    isBanned: (peerId) => bans.isBanned(peerId),
  })
  return new P2PNode(libp2p, init, log, { bans, penalties }, thresholds.graylistThreshold)
}

class P2PNode implements P2P {
  readonly libp2p: Libp2p
  readonly #init: P2PInit
  readonly #log: Logger
  readonly #bans: PeerBans
  readonly #penalties: SyncPenalties
  readonly #graylist: number
  readonly #validation: GossipValidation
  readonly #syncServer: SyncServer
  readonly #syncClient: SyncClient
  readonly #reconnect: Reconnector
  readonly #reconnectOptions: ReconnectOptions
  readonly #events: TypedEmitter<P2PEvents>
  #started = false
  #cleanup: Array<() => void> = []

  constructor(
    libp2p: Libp2p,
    init: P2PInit,
    log: Logger,
    { bans, penalties }: { bans: PeerBans; penalties: SyncPenalties },
    graylist: number,
  ) {
    this.libp2p = libp2p
    this.#init = init
    this.#log = log
    this.#bans = bans
    this.#penalties = penalties
    this.#graylist = graylist
    this.#events = new TypedEmitter<P2PEvents>({
      onListenerError: (err, event) => log.error({ err, event }, 'p2p event listener threw'),
    })
    this.#validation = new GossipValidation(log, init.recoverTxSender)
    const limits = { ...defaultSyncLimits, ...init.syncLimits }
    this.#syncServer = new SyncServer(libp2p, limits, log, init.syncProvider, (peerId) =>
      penalties.record(peerId),
    )
    this.#syncClient = new SyncClient(libp2p, limits, log)
    this.#reconnectOptions = { ...defaultReconnectOptions, ...init.reconnect }
    this.#reconnect = new Reconnector(libp2p, this.#reconnectOptions, (peerId) => bans.isBanned(peerId), log)
    for (const [network, producer] of Object.entries(init.producers ?? {}))
      this.setProducer(network, producer)
    for (const addr of init.bootstrap ?? []) this.#reconnect.add(addr)
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
    await this.#syncServer.start()
    const onConnect = (e: CustomEvent<PeerId>) =>
      this.#events.emit('peer:connect', { peerId: e.detail.toString() })
    const onDisconnect = (e: CustomEvent<PeerId>) => {
      const peerId = e.detail.toString()
      this.#events.emit('peer:disconnect', { peerId })
      this.#reconnect.onDisconnect(peerId)
    }
    const onHeartbeat = () =>
      this.#bans.enforceGraylist({
        libp2p: this.libp2p,
        getScore: (peerId) => this.getScore(peerId),
        threshold: this.#graylist,
        banMs: this.#init.score?.banMs ?? DEFAULT_BAN_MS,
        log: this.#log,
        onBanned: (event) => this.#events.emit('peer:banned', event),
      })
    const onMessage = (e: CustomEvent<GossipsubMessage>) => {
      const { msg, propagationSource } = e.detail
      // gossipsub hands the validator and this event the same bytes, so the decoded form is reused;
      // should a future version copy them, the message is decoded again rather than lost.
      const decoded = this.#validation.accepted(msg.data)
      if (decoded) this.#events.emit('message', decoded)
      else if (parseTopic(msg.topic))
        void this.#validation.decode(msg.topic, msg.data, propagationSource.toString()).then(
          (m) => this.#events.emit('message', m),
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
    this.#reconnect.start()
    this.#log.info({ peerId: this.peerId, addrs: this.getMultiaddrs() }, 'p2p started')
  }

  async stop(): Promise<void> {
    if (!this.#started) return
    this.#started = false
    this.#reconnect.stop()
    for (const fn of this.#cleanup) fn()
    this.#cleanup = []
    await this.#syncServer.stop().catch(() => {})
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
    if (options.persistent) return this.#reconnect.dialPersistent(addr)
    const conn = await this.libp2p.dial(multiaddr(addr), {
      signal: AbortSignal.timeout(this.#reconnectOptions.dialTimeoutMs),
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
      this.#validation.validate(peer.toString(), msg.topic, msg.data),
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
    this.#validation.setValidator(topicName(network, kind), validator)
  }

  setProducer(network: string, producer: Address | readonly Address[] | undefined): void {
    this.#validation.setProducer(network, producer)
  }

  setSyncProvider(provider: SyncProvider | undefined): void {
    this.#syncServer.setProvider(provider)
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

  publishConsensus(network: string, envelope: ConsensusEnvelope): Promise<number> {
    return this.#publish(network, 'consensus', encodeConsensusEnvelope(envelope))
  }

  publishProposal(network: string, envelope: ProposalEnvelope): Promise<number> {
    return this.#publish(network, 'proposals', encodeProposalEnvelope(envelope))
  }

  publishRaw(network: string, kind: TopicKind, data: Uint8Array): Promise<number> {
    this.#assertStarted()
    return this.#pubsub.publish(topicName(network, kind), data).then((r) => r.recipients.length)
  }

  async #publish(network: string, kind: TopicKind, data: Uint8Array): Promise<number> {
    this.#assertStarted()
    if (data.length > TOPIC_LIMITS[kind])
      throw new MessageTooLargeError({
        what: `A ${kind} message`,
        size: data.length,
        limit: TOPIC_LIMITS[kind],
      })
    const result = await this.#pubsub.publish(topicName(network, kind), data)
    return result.recipients.length
  }

  requestHeaders(peerId: string, network: string, from: bigint, count: number, options?: SyncRequestOptions) {
    this.#assertStarted()
    return this.#syncClient.requestHeaders(peerId, network, from, count, options)
  }

  requestBlocks(peerId: string, network: string, from: bigint, count: number, options?: SyncRequestOptions) {
    this.#assertStarted()
    return this.#syncClient.requestBlocks(peerId, network, from, count, options)
  }

  requestCommits(peerId: string, network: string, from: bigint, count: number, options?: SyncRequestOptions) {
    this.#assertStarted()
    return this.#syncClient.requestCommits(peerId, network, from, count, options)
  }

  requestExitBatches(
    peerId: string,
    network: string,
    fromBatch: bigint,
    count: number,
    options?: ExitBatchRequestOptions,
  ) {
    this.#assertStarted()
    return this.#syncClient.requestExitBatches(peerId, network, fromBatch, count, options)
  }

  requestExitBatchesFromAny(
    network: string,
    fromBatch: bigint,
    count: number,
    options?: ExitBatchFromAnyOptions,
  ) {
    this.#assertStarted()
    return this.#syncClient.requestExitBatchesFromAny(network, fromBatch, count, options)
  }

  getScore(peerId: string): number {
    // gossipsub scores only peers that joined it: a sync-only abuser's penalty counts by itself
    return Math.min(this.#pubsub.getScore(peerId), this.#penalties.score(peerId))
  }

  isBanned(peerId: string): boolean {
    return this.#bans.isBanned(peerId)
  }

  on<K extends keyof P2PEvents>(event: K, listener: (detail: P2PEvents[K]) => void): () => void {
    return this.#events.on(event, listener)
  }

  #assertStarted(): void {
    if (!this.#started) throw new NotStartedError('P2P')
  }
}
