/**
 * The wire formats alone: message codecs, signatures and topic names, without
 * libp2p. Verifiers that only decode headers or settlements (the main net's
 * acceptance checks, `mesh proof verify`) import `@rollup-mesh/p2p/wire` and
 * skip loading the networking stack (about 0.5 s).
 */
export { InvalidMessageError, MessageTooLargeError } from './errors.js'
export {
  type Block,
  type BlockHeader,
  decodeBlock,
  decodeExitBatch,
  decodeHeader,
  decodeSettlement,
  decodeTx,
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
export { PROTOCOL_VERSION, parseTopic, TOPIC_KINDS, type TopicKind, topicName } from './topics.js'
