import { InvalidConsensusMessageError } from './errors.js'
import { type ConsensusMessage, decodeConsensusMessage } from './messageCodec.js'
import { verifyProposalSignature, verifyVoteSignature } from './messageSigning.js'
import type { ValidatorSchedule } from './validatorSchedule.js'

/** Where the receiving node stands; messages outside `[height, height + heightWindow]` are refused. */
export type MessageValidationContext = {
  readonly chainId: number
  readonly height: number
  readonly schedule: ValidatorSchedule
  /** How many heights ahead are accepted (default 1: the next height is buffered by the state machine). */
  readonly heightWindow?: number | undefined
}

/**
 * The gossip validator of the consensus topics: decode strictly, then check chain, height window, known
 * validator, proposer of the round (proposals) and the BLS signature. Pure: a refused message changes
 * nothing; the error's `code` is the reason gossip reports (and the sender's score pays for).
 *
 * @example
 * ```ts
 * const msg = validateConsensusMessage(bytes, { chainId: 900, height: state.height, schedule })
 * consensusStep(params, state, msg.kind === 'vote' ? { type: 'vote', vote: msg.vote } : { type: 'proposal', proposal: msg.proposal })
 * ```
 */
export function validateConsensusMessage(bytes: Uint8Array, ctx: MessageValidationContext): ConsensusMessage {
  const msg = decodeConsensusMessage(bytes)
  if (msg.chainId !== ctx.chainId)
    throw new InvalidConsensusMessageError(
      'MSG_WRONG_CHAIN',
      `Message is for chain ${msg.chainId}, this is ${ctx.chainId}.`,
    )
  const height = msg.kind === 'vote' ? msg.vote.height : msg.proposal.height
  const window = ctx.heightWindow ?? 1
  if (height < ctx.height || height > ctx.height + window)
    throw new InvalidConsensusMessageError(
      'MSG_HEIGHT_OUT_OF_WINDOW',
      `Message for height ${height}; accepted heights are ${ctx.height}..${ctx.height + window}.`,
    )
  const set = ctx.schedule.setAt(height)
  const index = msg.kind === 'vote' ? msg.vote.validator : msg.proposal.proposer
  if (index >= set.size)
    throw new InvalidConsensusMessageError(
      'MSG_UNKNOWN_VALIDATOR',
      `Validator ${index} is not in the set of ${set.size} at height ${height}.`,
    )
  if (msg.kind === 'proposal') {
    const proposer = ctx.schedule.proposer(height, msg.proposal.round)
    if (proposer !== index)
      throw new InvalidConsensusMessageError(
        'MSG_NOT_PROPOSER',
        `Validator ${index} is not the proposer of height ${height} round ${msg.proposal.round} (${proposer} is).`,
      )
    if (!verifyProposalSignature(msg.proposal, ctx.chainId, set))
      throw new InvalidConsensusMessageError(
        'MSG_BAD_SIGNATURE',
        `Proposal signature of validator ${index} does not verify.`,
      )
  } else if (!verifyVoteSignature(msg.vote, ctx.chainId, set)) {
    throw new InvalidConsensusMessageError(
      'MSG_BAD_SIGNATURE',
      `Vote signature of validator ${index} does not verify.`,
    )
  }
  return msg
}
