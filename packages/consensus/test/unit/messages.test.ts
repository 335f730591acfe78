import { describe, expect, it } from 'vitest'
import { createConsensusState } from '../../src/consensusState.js'
import { consensusStep } from '../../src/consensusStep.js'
import { InvalidConsensusMessageError } from '../../src/errors.js'
import { decodeConsensusMessage, encodeProposal, encodeVote } from '../../src/messageCodec.js'
import { signProposal, signVote } from '../../src/messageSigning.js'
import { defaultTimeoutParams } from '../../src/timeouts.js'
import type { Vote } from '../../src/types.js'
import { validateConsensusMessage } from '../../src/validateMessage.js'
import { ValidatorSchedule } from '../../src/validatorSchedule.js'
import { blockHash, CHAIN_ID, testValidators } from '../helpers.js'

const { keys, set } = testValidators([1, 1, 1, 1])
const schedule = new ValidatorSchedule(set)
const ctx = { chainId: CHAIN_ID, height: 5, schedule }
const V = blockHash('v')
const vote = (over: Partial<Vote> = {}, signer = 2): Vote =>
  signVote(
    { type: 'precommit', height: 5, round: 1, value: V, validator: 2, ...over },
    keys[signer]!.secretKey,
    CHAIN_ID,
    set,
  )

function reason(bytes: Uint8Array): string {
  try {
    validateConsensusMessage(bytes, ctx)
  } catch (err) {
    if (err instanceof InvalidConsensusMessageError) return err.code
    throw err
  }
  return 'accepted'
}

describe('consensus messages: strict codec and validation', () => {
  it('round-trips votes (block and nil) and proposals, and accepts well-signed ones', () => {
    for (const v of [vote(), vote({ value: null, type: 'prevote' })]) {
      const bytes = encodeVote(v, CHAIN_ID)
      expect(decodeConsensusMessage(bytes)).toEqual({ kind: 'vote', chainId: CHAIN_ID, vote: v })
      expect(reason(bytes)).toBe('accepted')
    }
    const proposer = schedule.proposer(5, 2)
    const p = signProposal(
      { height: 5, round: 2, value: V, validRound: 1, proposer },
      keys[proposer]!.secretKey,
      CHAIN_ID,
      set,
    )
    const bytes = encodeProposal(p, CHAIN_ID)
    expect(decodeConsensusMessage(bytes)).toEqual({ kind: 'proposal', chainId: CHAIN_ID, proposal: p })
    expect(reason(bytes)).toBe('accepted')
    const notProposer = (proposer + 1) % 4
    const wrong = signProposal({ ...p, proposer: notProposer }, keys[notProposer]!.secretKey, CHAIN_ID, set)
    expect(reason(encodeProposal(wrong, CHAIN_ID))).toBe('MSG_NOT_PROPOSER')
  })

  it('rejects each malformed message with its reason', () => {
    const good = encodeVote(vote(), CHAIN_ID)
    const mutate = (f: (b: Uint8Array) => void) => {
      const b = good.slice()
      f(b)
      return b
    }
    expect(reason(new Uint8Array(300))).toBe('MSG_OVERSIZE')
    expect(reason(new Uint8Array(0))).toBe('MSG_ENCODING')
    expect(reason(good.subarray(0, 100))).toBe('MSG_ENCODING')
    expect(reason(Uint8Array.of(...good, 0))).toBe('MSG_ENCODING')
    expect(reason(mutate((b) => (b[0] = 9)))).toBe('MSG_UNKNOWN_KIND')
    expect(reason(mutate((b) => (b[23] = 2)))).toBe('MSG_ENCODING') // hasValue not a boolean
    expect(reason(mutate((b) => (b[1] = 0xff)))).toBe('MSG_ENCODING') // chain id beyond 2^53
    expect(reason(encodeVote(vote({ value: null }), CHAIN_ID).map((x, i) => (i === 30 ? 1 : x)))).toBe(
      'MSG_ENCODING',
    )
    expect(reason(encodeVote(vote(), 901))).toBe('MSG_WRONG_CHAIN')
    expect(reason(encodeVote(vote({ height: 1_000 }), CHAIN_ID))).toBe('MSG_HEIGHT_OUT_OF_WINDOW')
    expect(reason(encodeVote(vote({ height: 4 }), CHAIN_ID))).toBe('MSG_HEIGHT_OUT_OF_WINDOW')
    expect(reason(encodeVote({ ...vote(), validator: 4 }, CHAIN_ID))).toBe('MSG_UNKNOWN_VALIDATOR')
    expect(reason(encodeVote(vote({}, 3), CHAIN_ID))).toBe('MSG_BAD_SIGNATURE') // signed by 3, claims 2
    expect(reason(mutate((b) => (b[30]! ^= 1)))).toBe('MSG_BAD_SIGNATURE') // value changed after signing
    expect(reason(mutate((b) => (b[100]! ^= 1)))).toBe('MSG_BAD_SIGNATURE') // signature bytes
  })

  it('a rejected message never reaches the state machine, and the machine alone ignores what it cannot use', () => {
    const params = {
      schedule,
      selfKey: keys[0]!.publicKey,
      isValid: () => true,
      timeouts: defaultTimeoutParams,
    }
    const state = createConsensusState(params, 5)
    const far = consensusStep(params, state, { type: 'vote', vote: vote({ height: 9 }) })
    expect(far.state).toBe(state)
    expect(far.outputs).toEqual([{ type: 'ignored', reason: 'vote for height 9, at 5' }])
  })
})
