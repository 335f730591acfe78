import { describe, expect, it } from 'vitest'
import { type ConsensusParams, type ConsensusState, createConsensusState } from '../../src/consensusState.js'
import { consensusStep } from '../../src/consensusStep.js'
import { verifyDuplicateVoteEvidence } from '../../src/evidence.js'
import { signVote } from '../../src/messageSigning.js'
import { incrementProposerPriority } from '../../src/proposerPriority.js'
import { defaultTimeoutParams, timeoutDuration } from '../../src/timeouts.js'
import type { ConsensusInput, ConsensusOutput, Value } from '../../src/types.js'
import { ValidatorSchedule } from '../../src/validatorSchedule.js'
import { blockHash, CHAIN_ID, testValidators } from '../helpers.js'

const { keys, set } = testValidators([1, 1, 1, 1])
const V = blockHash('v')
const W = blockHash('w')

function paramsFor(i: number, extra: Partial<ConsensusParams> = {}): ConsensusParams {
  return {
    schedule: new ValidatorSchedule(set, { firstHeight: 1 }),
    selfKey: keys[i]!.publicKey,
    isValid: (_h, v) => v !== blockHash('invalid'),
    timeouts: defaultTimeoutParams,
    ...extra,
  }
}

function run(params: ConsensusParams, state: ConsensusState, ...inputs: ConsensusInput[]) {
  let s = state
  const outputs: ConsensusOutput[] = []
  for (const input of inputs) {
    const r = consensusStep(params, s, input)
    s = r.state
    outputs.push(...r.outputs)
  }
  return { state: s, outputs }
}

const prevote = (validator: number, value: Value | null, round = 0, height = 1): ConsensusInput => ({
  type: 'vote',
  vote: { type: 'prevote', height, round, value, validator },
})
const precommit = (validator: number, value: Value | null, round = 0, height = 1): ConsensusInput => ({
  type: 'vote',
  vote: { type: 'precommit', height, round, value, validator },
})

describe('proposer rotation (CometBFT IncrementProposerPriority)', () => {
  it('is weighted by power and a pure function of (height, round)', () => {
    const w = testValidators([1, 1, 2], 1).set
    const counts = [0, 0, 0]
    for (let h = 0; h < 400; h++) counts[w.proposer(h, 0)]!++
    expect(counts).toEqual([100, 100, 200])
    // With or without a cache, from any starting point: the same answer.
    const cache = { set: null, byHeight: new Map<number, number[]>() }
    for (const h of [5, 9, 9, 40, 41, 40, 3, 41, 12])
      for (const r of [0, 3]) expect(w.proposer(h, r, cache)).toBe(w.proposer(h, r))
    expect(incrementProposerPriority([0, 0, 0], [1, 1, 2], 1)).toEqual({
      priorities: [1, 1, -2],
      proposer: 2,
    })
  })
})

describe('timeouts', () => {
  it('grow with the round', () => {
    expect([0, 1, 2].map((r) => timeoutDuration(defaultTimeoutParams, 'propose', r))).toEqual([
      3000, 3500, 4000,
    ])
  })
})

describe('consensusStep (Tendermint Algorithm 1)', () => {
  const proposer0 = new ValidatorSchedule(set).proposer(1, 0)
  const other = (proposer0 + 1) % 4

  it('proposer: start asks for a value, then proposes it; others schedule a propose timeout', () => {
    const p = paramsFor(proposer0)
    const a = run(p, createConsensusState(p, 1), { type: 'start' })
    expect(a.outputs).toEqual([{ type: 'getValue', height: 1, round: 0 }])
    const b = run(p, a.state, { type: 'proposeValue', height: 1, round: 0, value: V })
    expect(b.outputs).toEqual([
      { type: 'propose', proposal: { height: 1, round: 0, value: V, validRound: -1, proposer: proposer0 } },
    ])
    const q = paramsFor(other)
    expect(run(q, createConsensusState(q, 1), { type: 'start' }).outputs).toEqual([
      { type: 'scheduleTimeout', kind: 'propose', height: 1, round: 0, durationMs: 3000 },
    ])
  })

  it('decides with a proposal and >2/3 precommits, outputs the certifying precommits, moves to the next height', () => {
    const p = paramsFor(other)
    const proposal: ConsensusInput = {
      type: 'proposal',
      proposal: { height: 1, round: 0, value: V, validRound: -1, proposer: proposer0 },
    }
    const r = run(p, createConsensusState(p, 1), { type: 'start' }, proposal)
    expect(r.outputs.at(-1)).toEqual({
      type: 'vote',
      vote: { type: 'prevote', height: 1, round: 0, value: V, validator: other },
    })
    const votes = [0, 1, 2, 3].map((i) => prevote(i, V))
    const r2 = run(p, r.state, ...votes)
    expect(r2.state.lockedValue).toBe(V)
    expect(r2.outputs.filter((o) => o.type === 'vote')).toEqual([
      { type: 'vote', vote: { type: 'precommit', height: 1, round: 0, value: V, validator: other } },
    ])
    const r3 = run(p, r2.state, precommit(0, V), precommit(1, V))
    expect(r3.outputs.some((o) => o.type === 'decide')).toBe(false) // 2 of 4 is not a quorum
    const r4 = run(p, r3.state, precommit(2, V))
    const decide = r4.outputs.find((o) => o.type === 'decide')
    expect(decide).toMatchObject({ height: 1, round: 0, value: V })
    expect(decide?.type === 'decide' && decide.precommits.map((v) => v.validator)).toEqual([0, 1, 2])
    expect(r4.state.height).toBe(2)
    expect(r4.state.lockedRound).toBe(-1)
  })

  it('a locked validator prevotes nil for a fresh value in a later round; with the injected bug it does not', () => {
    for (const ignoreLock of [false, true]) {
      const p = paramsFor(other, { faults: { ignoreLock } })
      const proposal0: ConsensusInput = {
        type: 'proposal',
        proposal: { height: 1, round: 0, value: V, validRound: -1, proposer: proposer0 },
      }
      let { state } = run(
        p,
        createConsensusState(p, 1),
        { type: 'start' },
        proposal0,
        ...[0, 1, 2, 3].map((i) => prevote(i, V)),
      )
      expect(state.lockedValue).toBe(V)
      // Round 1 by precommit timeout (nil precommits from the others).
      ;({ state } = run(p, state, precommit((other + 1) % 4, null), precommit((other + 2) % 4, null)))
      ;({ state } = run(p, state, { type: 'timeout', kind: 'precommit', height: 1, round: 0 }))
      expect(state.round).toBe(1)
      const proposer1 = p.schedule.proposer(1, 1)
      const fresh: ConsensusInput = {
        type: 'proposal',
        proposal: { height: 1, round: 1, value: W, validRound: -1, proposer: proposer1 },
      }
      const { outputs } = run(p, state, fresh)
      const vote = outputs.find((o) => o.type === 'vote')
      expect(vote?.type === 'vote' && vote.vote.value).toBe(ignoreLock ? W : null)
    }
  })

  it('a re-proposal with a proof-of-lock round at or after the lock is prevoted', () => {
    const p = paramsFor(other)
    const proposal0: ConsensusInput = {
      type: 'proposal',
      proposal: { height: 1, round: 0, value: W, validRound: -1, proposer: proposer0 },
    }
    let { state } = run(
      p,
      createConsensusState(p, 1),
      { type: 'start' },
      proposal0,
      ...[0, 1, 2, 3].map((i) => prevote(i, W)),
    )
    ;({ state } = run(
      p,
      state,
      precommit(0, null),
      precommit(1, null),
      precommit(2, null),
      precommit(3, null),
    ))
    ;({ state } = run(p, state, { type: 'timeout', kind: 'precommit', height: 1, round: 0 }))
    const proposer1 = p.schedule.proposer(1, 1)
    const re: ConsensusInput = {
      type: 'proposal',
      proposal: { height: 1, round: 1, value: W, validRound: 0, proposer: proposer1 },
    }
    const { outputs } = run(p, state, re)
    expect(outputs.find((o) => o.type === 'vote')).toMatchObject({
      vote: { type: 'prevote', round: 1, value: W },
    })
  })

  it('an invalid block is prevoted nil', () => {
    const p = paramsFor(other)
    const bad: ConsensusInput = {
      type: 'proposal',
      proposal: { height: 1, round: 0, value: blockHash('invalid'), validRound: -1, proposer: proposer0 },
    }
    const { outputs } = run(p, createConsensusState(p, 1), { type: 'start' }, bad)
    expect(outputs.at(-1)).toMatchObject({ type: 'vote', vote: { type: 'prevote', value: null } })
  })

  it('skips to a later round when more than 1/3 of the power is seen there', () => {
    const p = paramsFor(other)
    let { state } = run(p, createConsensusState(p, 1), { type: 'start' }, prevote((other + 1) % 4, null, 5))
    expect(state.round).toBe(0)
    ;({ state } = run(p, state, prevote((other + 2) % 4, null, 5)))
    expect(state.round).toBe(5)
  })

  it('two conflicting votes of one validator become evidence (once), which verifies when signed', () => {
    const p = paramsFor(other)
    const { state, outputs } = run(
      p,
      createConsensusState(p, 1),
      { type: 'start' },
      prevote(3, V),
      prevote(3, W),
      prevote(3, W),
    )
    const ev = outputs.filter((o) => o.type === 'evidence')
    expect(ev).toHaveLength(1)
    expect(state.votes.get(0)?.prevotes[3]?.value).toBe(V)
    const sign = (value: Value) =>
      signVote(
        { type: 'prevote', height: 1, round: 0, value, validator: 3 },
        keys[3]!.secretKey,
        CHAIN_ID,
        set,
      )
    expect(() =>
      verifyDuplicateVoteEvidence({ kind: 'duplicate-vote', voteA: sign(V), voteB: sign(W) }, set, CHAIN_ID),
    ).not.toThrow()
    expect(() =>
      verifyDuplicateVoteEvidence({ kind: 'duplicate-vote', voteA: sign(V), voteB: sign(V) }, set, CHAIN_ID),
    ).toThrow(/same value/)
    const forged = { ...sign(W), signature: sign(V).signature }
    expect(() =>
      verifyDuplicateVoteEvidence({ kind: 'duplicate-vote', voteA: sign(V), voteB: forged }, set, CHAIN_ID),
    ).toThrow(/Vote B .* not validly signed/)
  })

  it('inputs that do not fit are ignored with a reason and change nothing', () => {
    const p = paramsFor(other)
    const { state } = run(p, createConsensusState(p, 1), { type: 'start' })
    const cases: [ConsensusInput, RegExp][] = [
      [prevote(9, V), /not in the set/],
      [prevote(1, V, 0, 7), /height 7, at 1/],
      [prevote(1, V, 1_000), /too far ahead/],
      [
        { type: 'proposal', proposal: { height: 1, round: 0, value: V, validRound: -1, proposer: other } },
        /not the proposer/,
      ],
      [
        {
          type: 'proposal',
          proposal: { height: 1, round: 2, value: V, validRound: 2, proposer: p.schedule.proposer(1, 2) },
        },
        /validRound/,
      ],
      [{ type: 'timeout', kind: 'propose', height: 1, round: 3 }, /stale timeout/],
      [{ type: 'proposeValue', height: 1, round: 0, value: V }, /no value was requested/],
      [{ type: 'commit', height: 1, round: 0, value: V, precommits: [] }, /without a quorum/],
    ]
    for (const [input, reason] of cases) {
      const r = consensusStep(p, state, input)
      expect(r.state).toBe(state)
      expect(r.outputs).toHaveLength(1)
      expect(r.outputs[0]?.type === 'ignored' && r.outputs[0].reason).toMatch(reason)
    }
  })

  it('never mutates the state it is given', () => {
    const p = paramsFor(other)
    const s0 = createConsensusState(p, 1)
    const snapshot = JSON.stringify(s0, (_k, v) => (v instanceof Map || v instanceof Set ? [...v] : v))
    run(p, s0, { type: 'start' }, prevote(0, V), prevote(1, V), prevote(2, V), precommit(0, V))
    expect(JSON.stringify(s0, (_k, v) => (v instanceof Map || v instanceof Set ? [...v] : v))).toBe(snapshot)
  })
})
