import { blsSign, blsVerify } from './bls.js'
import { proposalSigningRoot, voteSigningRoot } from './signingRoot.js'
import type { Proposal, Vote } from './types.js'
import type { ValidatorSet } from './validatorSet.js'

/**
 * Signs a vote output of the state machine (after the signing guard allowed it).
 *
 * @example
 * ```ts
 * const signed = signVote(output.vote, keys.secretKey, 900, schedule.setAt(output.vote.height))
 * ```
 */
export function signVote(vote: Vote, secretKey: Uint8Array, chainId: number, set: ValidatorSet): Vote {
  return { ...vote, signature: blsSign(secretKey, voteRoot(vote, chainId, set)) }
}

export function signProposal(
  p: Proposal,
  secretKey: Uint8Array,
  chainId: number,
  set: ValidatorSet,
): Proposal {
  return { ...p, signature: blsSign(secretKey, proposalRoot(p, chainId, set)) }
}

/** Does the vote carry a valid signature of the validator it names? */
export function verifyVoteSignature(vote: Vote, chainId: number, set: ValidatorSet): boolean {
  const key = set.validators[vote.validator]?.publicKey
  return !!key && !!vote.signature && blsVerify(key, voteRoot(vote, chainId, set), vote.signature)
}

export function verifyProposalSignature(p: Proposal, chainId: number, set: ValidatorSet): boolean {
  const key = set.validators[p.proposer]?.publicKey
  return !!key && !!p.signature && blsVerify(key, proposalRoot(p, chainId, set), p.signature)
}

function voteRoot(v: Vote, chainId: number, set: ValidatorSet): Uint8Array {
  return voteSigningRoot({
    chainId,
    type: v.type,
    height: v.height,
    round: v.round,
    value: v.value,
    validatorsHash: set.hash,
  })
}

function proposalRoot(p: Proposal, chainId: number, set: ValidatorSet): Uint8Array {
  return proposalSigningRoot({
    chainId,
    height: p.height,
    round: p.round,
    value: p.value,
    validRound: p.validRound,
    validatorsHash: set.hash,
  })
}
