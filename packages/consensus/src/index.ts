/** @rollup-mesh/consensus: the BFT protocol core (state machine, validator keys, commit certificates). */
export {
  BLS_DST,
  BLS_PUBLIC_KEY_LENGTH,
  BLS_SIGNATURE_LENGTH,
  type BLSKeyPair,
  blsAggregateSignatures,
  blsFastAggregateVerify,
  blsKeyPairFromSeed,
  blsSign,
  blsVerify,
} from './bls.js'
export {
  type CertificateExpectation,
  type CommitCertificate,
  certificateSigners,
  commitCertificateToJSON,
  createCommitCertificate,
  decodeCommitCertificate,
  encodeCommitCertificate,
  verifyCommitCertificate,
} from './certificate.js'
export { type CertifiedHeader, type ConsensusHeader, verifyCertificateChain } from './certificateChain.js'
export {
  type ConsensusParams,
  type ConsensusRestore,
  type ConsensusState,
  createConsensusState,
  type RoundVotes,
} from './consensusState.js'
export { consensusStep } from './consensusStep.js'
export {
  type CertificateErrorCode,
  DoubleSignRefusedError,
  InvalidCertificateError,
  InvalidConsensusMessageError,
  InvalidEvidenceError,
  InvalidValidatorSetError,
  type MessageRejectCode,
  SigningStateCorruptError,
} from './errors.js'
export { verifyDuplicateVoteEvidence } from './evidence.js'
export {
  DUPLICATE_VOTE_EVIDENCE_BYTES,
  decodeDuplicateVoteEvidence,
  encodeDuplicateVoteEvidence,
} from './evidenceCodec.js'
export { openFileSigningGuard } from './fileSigningGuard.js'
export { type GenesisValidator, validatorSetFromGenesis } from './genesisValidators.js'
export {
  type ConsensusMessage,
  decodeConsensusMessage,
  encodeProposal,
  encodeVote,
  MAX_CONSENSUS_MESSAGE_BYTES,
} from './messageCodec.js'
export { signProposal, signVote, verifyProposalSignature, verifyVoteSignature } from './messageSigning.js'
export { createProofOfPossession, verifyProofOfPossession } from './proofOfPossession.js'
export { incrementProposerPriority } from './proposerPriority.js'
export {
  checkSignRequest,
  createMemorySigningGuard,
  type SigningGuard,
  type SigningState,
  type SignRequest,
} from './signingGuard.js'
export { DOMAINS, popSigningRoot, proposalSigningRoot, voteSigningRoot } from './signingRoot.js'
export { defaultTimeoutParams, type TimeoutParams, timeoutDuration } from './timeouts.js'
export type {
  ConsensusInput,
  ConsensusOutput,
  DuplicateVoteEvidence,
  Proposal,
  RoundStep,
  TimeoutKind,
  Value,
  Vote,
  VoteType,
} from './types.js'
export { type MessageValidationContext, validateConsensusMessage } from './validateMessage.js'
export { type ScheduledSet, ValidatorSchedule } from './validatorSchedule.js'
export {
  MAX_TOTAL_POWER,
  MAX_VALIDATORS,
  type ProposerCache,
  type Validator,
  ValidatorSet,
} from './validatorSet.js'
