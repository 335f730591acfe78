export { type P2PConfig, p2pConfigSchema } from './config.js'
export {
  type SyncAttempt,
  SyncError,
  type SyncErrorCode,
} from './errors.js'
export { loadOrCreatePeerId, loadOrCreatePeerKey, PEER_KEY_FILE, PeerKeyFileError } from './identity.js'
export { createP2P } from './p2p.js'
export type { P2P, P2PEvents, P2PInit } from './p2pInterface.js'
export { defaultReconnectOptions, type ReconnectOptions } from './reconnect.js'
export { defaultPeerScoreParams, defaultPeerScoreThresholds, defaultTopicScoreParams } from './scoring.js'
export {
  defaultSyncLimits,
  type ExitBatchFromAnyOptions,
  type ExitBatchRequestOptions,
  type SyncKind,
  type SyncLimits,
  type SyncProvider,
  type SyncRequestOptions,
  SyncStatus,
  syncProtocol,
} from './sync/protocol.js'
export type { GossipMessage, GossipValidator, ValidationResult } from './validation.js'
// Codecs, signatures and topic names (also importable alone, without libp2p, as `@rollup-mesh/p2p/wire`).
export * from './wire.js'
