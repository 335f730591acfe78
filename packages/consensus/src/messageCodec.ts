import { bytesToHex, hexToBytes } from '@rollup-mesh/core'
import { InvalidConsensusMessageError } from './errors.js'
import type { Proposal, Vote } from './types.js'

/** Largest consensus message accepted from the network (a proposal is 155 bytes, a vote 152). */
export const MAX_CONSENSUS_MESSAGE_BYTES = 256

const KIND = { proposal: 1, prevote: 2, precommit: 3 } as const
const VOTE_BYTES = 1 + 8 + 8 + 4 + 2 + 1 + 32 + 96
const PROPOSAL_BYTES = 1 + 8 + 8 + 4 + 4 + 2 + 32 + 96

/** A decoded consensus message with the chain it names. */
export type ConsensusMessage =
  | { readonly kind: 'proposal'; readonly chainId: number; readonly proposal: Proposal }
  | { readonly kind: 'vote'; readonly chainId: number; readonly vote: Vote }

/**
 * Vote: kind u8 (2 prevote, 3 precommit) ‖ chainId u64 ‖ height u64 ‖ round u32 ‖ validator u16 ‖
 * hasValue u8 ‖ value 32 (zeros for nil) ‖ signature 96. Big-endian, fixed length.
 *
 * @example
 * ```ts
 * const bytes = encodeVote(signedVote, 900)
 * decodeConsensusMessage(bytes) // { kind: 'vote', chainId: 900, vote }
 * ```
 */
export function encodeVote(vote: Vote, chainId: number): Uint8Array {
  const b = new Uint8Array(VOTE_BYTES)
  const view = new DataView(b.buffer)
  b[0] = KIND[vote.type]
  view.setBigUint64(1, BigInt(chainId))
  view.setBigUint64(9, BigInt(vote.height))
  view.setUint32(17, vote.round)
  view.setUint16(21, vote.validator)
  b[23] = vote.value === null ? 0 : 1
  if (vote.value !== null) b.set(hexToBytes(vote.value), 24)
  if (vote.signature) b.set(vote.signature, 56)
  return b
}

/** Proposal: kind u8 (1) ‖ chainId u64 ‖ height u64 ‖ round u32 ‖ validRound i32 ‖ proposer u16 ‖ value 32 ‖ signature 96. */
export function encodeProposal(p: Proposal, chainId: number): Uint8Array {
  const b = new Uint8Array(PROPOSAL_BYTES)
  const view = new DataView(b.buffer)
  b[0] = KIND.proposal
  view.setBigUint64(1, BigInt(chainId))
  view.setBigUint64(9, BigInt(p.height))
  view.setUint32(17, p.round)
  view.setInt32(21, p.validRound)
  view.setUint16(25, p.proposer)
  b.set(hexToBytes(p.value), 27)
  if (p.signature) b.set(p.signature, 59)
  return b
}

/** Strict decoding: size bound, known kind, exact length, canonical fields. Throws with the reason's code. */
export function decodeConsensusMessage(bytes: Uint8Array): ConsensusMessage {
  if (bytes.length > MAX_CONSENSUS_MESSAGE_BYTES)
    throw new InvalidConsensusMessageError(
      'MSG_OVERSIZE',
      `Message of ${bytes.length} bytes exceeds ${MAX_CONSENSUS_MESSAGE_BYTES}.`,
    )
  const bad = (what: string) =>
    new InvalidConsensusMessageError('MSG_ENCODING', `Consensus message encoding: ${what}.`)
  if (bytes.length === 0) throw bad('empty')
  const kind = bytes[0]
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const u53 = (o: number, field: string) => {
    const v = view.getBigUint64(o)
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(`${field} beyond 2^53`)
    return Number(v)
  }
  if (kind === KIND.prevote || kind === KIND.precommit) {
    if (bytes.length !== VOTE_BYTES) throw bad(`a vote is ${VOTE_BYTES} bytes, got ${bytes.length}`)
    const hasValue = bytes[23]
    if (hasValue !== 0 && hasValue !== 1) throw bad(`hasValue must be 0 or 1, got ${hasValue}`)
    const valueBytes = bytes.subarray(24, 56)
    if (hasValue === 0 && valueBytes.some((x) => x !== 0)) throw bad('a nil vote must carry a zero value')
    return {
      kind: 'vote',
      chainId: u53(1, 'chainId'),
      vote: {
        type: kind === KIND.prevote ? 'prevote' : 'precommit',
        height: u53(9, 'height'),
        round: view.getUint32(17),
        validator: view.getUint16(21),
        value: hasValue ? bytesToHex(valueBytes) : null,
        signature: bytes.slice(56),
      },
    }
  }
  if (kind === KIND.proposal) {
    if (bytes.length !== PROPOSAL_BYTES)
      throw bad(`a proposal is ${PROPOSAL_BYTES} bytes, got ${bytes.length}`)
    const round = view.getUint32(17)
    const validRound = view.getInt32(21)
    if (validRound < -1 || validRound >= round) throw bad(`validRound ${validRound} not in [-1, ${round})`)
    return {
      kind: 'proposal',
      chainId: u53(1, 'chainId'),
      proposal: {
        height: u53(9, 'height'),
        round,
        validRound,
        proposer: view.getUint16(25),
        value: bytesToHex(bytes.subarray(27, 59)),
        signature: bytes.slice(59),
      },
    }
  }
  throw new InvalidConsensusMessageError('MSG_UNKNOWN_KIND', `Unknown consensus message kind ${kind}.`, [
    '- Known kinds: 1 proposal, 2 prevote, 3 precommit.',
  ])
}
