import { InvalidEvidenceError } from './errors.js'
import { decodeConsensusMessage, encodeVote } from './messageCodec.js'
import type { DuplicateVoteEvidence, Vote } from './types.js'

/** One encoded vote (kind ‖ chain id ‖ height ‖ round ‖ validator ‖ value ‖ signature). */
const VOTE_BYTES = 152
/** Duplicate-vote evidence on the wire and in blocks: vote A ‖ vote B, each `encodeVote`'s 152 bytes. */
export const DUPLICATE_VOTE_EVIDENCE_BYTES = 2 * VOTE_BYTES

/**
 * Encodes duplicate-vote evidence as the two signed votes back to back (fixed 304 bytes), as it travels in
 * a main-net block's evidence system transaction.
 *
 * @example
 * ```ts
 * const bytes = encodeDuplicateVoteEvidence(evidence, 900)
 * decodeDuplicateVoteEvidence(bytes).evidence.voteB.value === evidence.voteB.value // true
 * ```
 */
export function encodeDuplicateVoteEvidence(evidence: DuplicateVoteEvidence, chainId: number): Uint8Array {
  const out = new Uint8Array(DUPLICATE_VOTE_EVIDENCE_BYTES)
  out.set(encodeVote(evidence.voteA, chainId), 0)
  out.set(encodeVote(evidence.voteB, chainId), VOTE_BYTES)
  return out
}

/**
 * Strict decoding of `encodeDuplicateVoteEvidence`: exactly two signed votes naming one chain. Throws
 * `InvalidEvidenceError` (`EVIDENCE_ENCODING`) naming the part that does not decode. It does not check the
 * evidence itself (`verifyDuplicateVoteEvidence` does).
 */
export function decodeDuplicateVoteEvidence(bytes: Uint8Array): {
  evidence: DuplicateVoteEvidence
  chainId: number
} {
  if (bytes.length !== DUPLICATE_VOTE_EVIDENCE_BYTES)
    throw new InvalidEvidenceError(
      'ENCODING',
      `Evidence must be ${DUPLICATE_VOTE_EVIDENCE_BYTES} bytes (two encoded votes), got ${bytes.length}.`,
    )
  const vote = (name: 'voteA' | 'voteB', part: Uint8Array): { vote: Vote; chainId: number } => {
    let m: ReturnType<typeof decodeConsensusMessage>
    try {
      m = decodeConsensusMessage(part)
    } catch (err) {
      throw new InvalidEvidenceError('ENCODING', `Evidence "${name}" does not decode as a vote.`, [
        `- ${(err as Error).message.split('\n')[0]}`,
      ])
    }
    if (m.kind !== 'vote') throw new InvalidEvidenceError('ENCODING', `Evidence "${name}" is not a vote.`)
    return { vote: m.vote, chainId: m.chainId }
  }
  const a = vote('voteA', bytes.subarray(0, VOTE_BYTES))
  const b = vote('voteB', bytes.subarray(VOTE_BYTES))
  if (a.chainId !== b.chainId)
    throw new InvalidEvidenceError(
      'ENCODING',
      `Evidence votes name chains ${a.chainId} and ${b.chainId}; both must be one chain's.`,
    )
  return { evidence: { kind: 'duplicate-vote', voteA: a.vote, voteB: b.vote }, chainId: a.chainId }
}
