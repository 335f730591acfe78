export { type P2PConfig, p2pConfigSchema } from './config.js'
export {
  InvalidMessageError,
  MessageTooLargeError,
  type SyncAttempt,
  SyncError,
  type SyncErrorCode,
} from './errors.js'
export { loadOrCreatePeerId, loadOrCreatePeerKey, PEER_KEY_FILE, PeerKeyFileError } from './identity.js'
export {
  type Block,
  type BlockHeader,
  decodeBlock,
  decodeExitBatch,
  decodeHeader,
  decodeSettlement,
  decodeTx,
  type ExitBatch,
  type ExitMessage,
  encodeBlock,
  encodeExitBatch,
  encodeHeader,
  encodeSettlement,
  encodeTx,
  type GossipTx,
  headerHash,
  headerSigningHash,
  MESSAGE_LIMITS,
  recoverHeaderSigner,
  recoverSettlementSigner,
  type Settlement,
  type SignedHeader,
  type SignedSettlement,
  settlementSigningHash,
  signHeader,
  signSettlement,
} from './messages.js'
export {
  createP2P,
  defaultReconnectOptions,
  type GossipMessage,
  type GossipValidator,
  type P2P,
  type P2PEvents,
  type P2PInit,
  type ReconnectOptions,
  type ValidationResult,
} from './p2p.js'
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
} from './sync.js'
export { PROTOCOL_VERSION, parseTopic, TOPIC_KINDS, type TopicKind, topicName } from './topics.js'
