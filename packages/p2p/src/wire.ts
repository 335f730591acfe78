/**
 * The wire formats alone: message codecs, signatures and topic names, without
 * libp2p. Verifiers that only decode headers or settlements (the main net's
 * acceptance checks, `mesh proof verify`) import `@rollup-mesh/p2p/wire` and
 * skip loading the networking stack (about 0.5 s); test/unit/wire.test.ts fails
 * when anything this file reaches imports a libp2p package.
 */
export { InvalidMessageError, MessageTooLargeError } from './errors.js'
export { type Block, decodeBlock, encodeBlock } from './messages/block.js'
export { type CommittedBlock, committedBlockFromRLP, committedBlockToRLP } from './messages/committedBlock.js'
export {
  type ConsensusEnvelope,
  decodeConsensusEnvelope,
  decodeProposalEnvelope,
  encodeConsensusEnvelope,
  encodeProposalEnvelope,
  type ProposalEnvelope,
} from './messages/consensus.js'
export { decodeExitBatch, encodeExitBatch } from './messages/exitBatch.js'
export {
  type BlockHeader,
  decodeHeader,
  encodeHeader,
  headerHash,
  headerSigningHash,
  recoverHeaderSigner,
  type SignedHeader,
  signHeader,
} from './messages/header.js'
export { MESSAGE_LIMITS } from './messages/limits.js'
export {
  decodeSettlement,
  encodeSettlement,
  recoverSettlementSigner,
  type Settlement,
  type SignedSettlement,
  settlementSigningHash,
  signSettlement,
} from './messages/settlement.js'
export { decodeTx, encodeTx, type GossipTx, type TxSenderRecovery } from './messages/tx.js'
export { PROTOCOL_VERSION, parseTopic, TOPIC_KINDS, type TopicKind, topicName } from './topics.js'
