/**
 * The P2P node's public interface: its events, its options (`P2PInit`) and the `P2P` methods that
 * p2p.ts's `createP2P` implements.
 */
import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from '@libp2p/gossipsub/score'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import type { Address, ExitBatch, Hex, Logger, Startable } from '@rollup-mesh/core'
import type { BanEvent } from './bans.js'
import type { Block } from './messages/block.js'
import type { CommittedBlock } from './messages/committedBlock.js'
import type { ConsensusEnvelope, ProposalEnvelope } from './messages/consensus.js'
import type { SignedHeader } from './messages/header.js'
import type { SignedSettlement } from './messages/settlement.js'
import type { TxSenderRecovery } from './messages/tx.js'
import type { ReconnectOptions } from './reconnect.js'
import type {
  ExitBatchFromAnyOptions,
  ExitBatchRequestOptions,
  SyncLimits,
  SyncProvider,
  SyncRequestOptions,
} from './sync/protocol.js'
import type { TopicKind } from './topics.js'
import type { GossipMessage, GossipValidator } from './validation.js'

export type P2PEvents = {
  /** A message that passed every check (codec, signature, the node's validator). */
  message: GossipMessage
  'peer:connect': { peerId: string }
  'peer:disconnect': { peerId: string }
  /** A peer fell below the graylist threshold and was disconnected and banned. */
  'peer:banned': BanEvent
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
  /** Block-producer address(es) per network: headers and settlements on that network must be signed by one. */
  producers?: Record<string, Address | readonly Address[]>
  /** Sender recovery of gossiped transactions (default viem's pure JS; a node with native secp256k1 passes its own). */
  recoverTxSender?: TxSenderRecovery
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
  setProducer(network: string, producer: Address | readonly Address[] | undefined): void
  setSyncProvider(provider: SyncProvider | undefined): void
  publishHeader(network: string, header: SignedHeader): Promise<number>
  publishSettlement(network: string, settlement: SignedSettlement): Promise<number>
  publishTx(network: string, raw: Hex): Promise<number>
  /** Publishes a consensus vote (or bodiless proposal, encoded by consensus's codec) with a re-broadcast `seq`. */
  publishConsensus(network: string, envelope: ConsensusEnvelope): Promise<number>
  /** Publishes a proposal with its block (`ProposalEnvelope`). */
  publishProposal(network: string, envelope: ProposalEnvelope): Promise<number>
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
  /** Asks `peerId` for up to `count` finalized blocks with their commit certificates (BFT catch-up). */
  requestCommits(
    peerId: string,
    network: string,
    from: bigint,
    count: number,
    options?: SyncRequestOptions,
  ): Promise<CommittedBlock[]>
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
  /** The score this node gives `peerId`: gossipsub's, or the sync penalty (malformed sync requests) when lower. */
  getScore(peerId: string): number
  isBanned(peerId: string): boolean
  on<K extends keyof P2PEvents>(event: K, listener: (detail: P2PEvents[K]) => void): () => void
}
