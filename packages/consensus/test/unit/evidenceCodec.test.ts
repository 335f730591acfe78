import { describe, expect, it } from 'vitest'
import { verifyDuplicateVoteEvidence } from '../../src/evidence.js'
import {
  DUPLICATE_VOTE_EVIDENCE_BYTES,
  decodeDuplicateVoteEvidence,
  encodeDuplicateVoteEvidence,
} from '../../src/evidenceCodec.js'
import { encodeVote } from '../../src/messageCodec.js'
import { signVote } from '../../src/messageSigning.js'
import type { DuplicateVoteEvidence, Value } from '../../src/types.js'
import { blockHash, CHAIN_ID, testValidators } from '../helpers.js'

const { keys, set } = testValidators([1, 1, 1, 1])
const V = blockHash('v')
const W = blockHash('w')
const sign = (value: Value | null, validator = 2, chainId = CHAIN_ID) =>
  signVote(
    { type: 'precommit', height: 7, round: 1, value, validator },
    keys[validator]!.secretKey,
    chainId,
    set,
  )
const evidence: DuplicateVoteEvidence = { kind: 'duplicate-vote', voteA: sign(V), voteB: sign(null) }

describe('duplicate-vote evidence codec', () => {
  it('round-trips two signed votes (a nil vote included) and the result still verifies', () => {
    const bytes = encodeDuplicateVoteEvidence(evidence, CHAIN_ID)
    expect(bytes.length).toBe(DUPLICATE_VOTE_EVIDENCE_BYTES)
    const back = decodeDuplicateVoteEvidence(bytes)
    expect(back.chainId).toBe(CHAIN_ID)
    expect(back.evidence.voteA).toEqual({ ...evidence.voteA, signature: evidence.voteA.signature })
    expect(back.evidence.voteB.value).toBeNull()
    expect(() => verifyDuplicateVoteEvidence(back.evidence, set, CHAIN_ID)).not.toThrow()
  })

  it('refuses a wrong length, a part that is not a vote and two chains, naming the part', () => {
    const bytes = encodeDuplicateVoteEvidence(evidence, CHAIN_ID)
    expect(() => decodeDuplicateVoteEvidence(bytes.subarray(1))).toThrow(/must be 304 bytes/)
    const notVote = bytes.slice()
    notVote[152] = 9
    expect(() => decodeDuplicateVoteEvidence(notVote)).toThrow(/"voteB" does not decode/)
    const mixed = new Uint8Array(DUPLICATE_VOTE_EVIDENCE_BYTES)
    mixed.set(encodeVote(sign(V), CHAIN_ID), 0)
    mixed.set(encodeVote(sign(W, 2, 901), 901), 152)
    expect(() => decodeDuplicateVoteEvidence(mixed)).toThrow(/chains 900 and 901/)
    try {
      decodeDuplicateVoteEvidence(notVote)
    } catch (e) {
      expect((e as { code: string }).code).toBe('EVIDENCE_ENCODING')
    }
  })

  it('a tampered signature decodes but does not verify', () => {
    const bytes = encodeDuplicateVoteEvidence({ ...evidence, voteB: sign(W) }, CHAIN_ID)
    bytes[DUPLICATE_VOTE_EVIDENCE_BYTES - 1]! ^= 1
    const { evidence: back } = decodeDuplicateVoteEvidence(bytes)
    expect(() => verifyDuplicateVoteEvidence(back, set, CHAIN_ID)).toThrow()
  })
})
