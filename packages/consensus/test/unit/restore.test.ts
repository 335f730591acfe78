import { describe, expect, it } from 'vitest'
import { type ConsensusParams, type ConsensusState, createConsensusState } from '../../src/consensusState.js'
import { consensusStep } from '../../src/consensusStep.js'
import { defaultTimeoutParams } from '../../src/timeouts.js'
import type { ConsensusInput, Proposal, Value, Vote } from '../../src/types.js'
import { ValidatorSchedule } from '../../src/validatorSchedule.js'
import { blockHash, testValidators } from '../helpers.js'

/**
 * A validator restarted inside a height (kill -9 between its prevote and its precommit) while another is
 * down: the two live ones wait in that round for one more vote. Where the restarted one resumes decides
 * whether the three ever finish the height (the CI failure of session 9: "2 of 4 down … one returns").
 */
const { keys, set } = testValidators([1, 1, 1, 1])
const params = (i: number): ConsensusParams => ({
  schedule: new ValidatorSchedule(set, { firstHeight: 1 }),
  selfKey: keys[i]!.publicKey,
  isValid: () => true,
  timeouts: defaultTimeoutParams,
})

type Instance = { state: ConsensusState; up: boolean; decided?: Value; lastSigned?: Vote }
type Event = { at: number; to: number; input: ConsensusInput }

/** Four instances on a virtual clock; every message reaches every instance that is up, at once. */
function createNet() {
  const nodes: Instance[] = [0, 1, 2, 3].map((i) => ({ state: createConsensusState(params(i), 1), up: true }))
  let now = 0
  let queue: Event[] = []
  let crashAfterPrevote = -1
  const broadcast = (message: Proposal | Vote) => {
    nodes.forEach((n, to) => {
      if (n.up)
        queue.push({
          at: now,
          to,
          input:
            'type' in message ? { type: 'vote', vote: message } : { type: 'proposal', proposal: message },
        })
    })
  }
  const feed = (i: number, input: ConsensusInput) => {
    const n = nodes[i]!
    if (!n.up) return
    const r = consensusStep(params(i), n.state, input)
    n.state = r.state
    for (const out of r.outputs) {
      if (out.type === 'getValue')
        queue.push({
          at: now,
          to: i,
          input: {
            type: 'proposeValue',
            height: out.height,
            round: out.round,
            value: blockHash(`${out.height}/${out.round}`),
          },
        })
      else if (out.type === 'propose') broadcast(out.proposal)
      else if (out.type === 'vote') {
        n.lastSigned = out.vote
        broadcast(out.vote)
        if (i === crashAfterPrevote && out.vote.type === 'prevote') n.up = false
      } else if (out.type === 'rebroadcast') broadcast(out.message)
      else if (out.type === 'scheduleTimeout')
        queue.push({
          at: now + out.durationMs,
          to: i,
          input: { type: 'timeout', kind: out.kind, height: out.height, round: out.round },
        })
      else if (out.type === 'decide') n.decided ??= out.value
    }
  }
  /** Runs the clock to `until`, with the gossip tick (rebroadcast) every second. */
  const runUntil = (until: number) => {
    while (now <= until) {
      queue.sort((a, b) => a.at - b.at)
      const due = queue.filter((e) => e.at <= now)
      queue = queue.filter((e) => e.at > now)
      for (const e of due) feed(e.to, e.input)
      if (queue.some((e) => e.at <= now)) continue
      now += 100
      if (now % 1_000 === 0) for (let i = 0; i < nodes.length; i++) feed(i, { type: 'rebroadcast' })
    }
  }
  return {
    nodes,
    feed,
    runUntil,
    now: () => now,
    start(down: number, crashing: number) {
      nodes[down]!.up = false
      crashAfterPrevote = crashing
      for (let i = 0; i < nodes.length; i++) feed(i, { type: 'start' })
    },
    restart(i: number, state: ConsensusState) {
      const n = nodes[i]!
      n.up = true
      n.state = state
      feed(i, { type: 'start' })
      // the driver's resendLastVote: the vote the guard last signed goes out again and counts here too
      const vote = n.lastSigned as Vote
      broadcast(vote)
      feed(i, { type: 'vote', vote })
    },
  }
}

/** Validators 2 and 3 are down; 2 had prevoted in round 0 of height 1 just before its kill -9. */
function stuckAtRoundZero() {
  const net = createNet()
  net.start(3, 2)
  net.runUntil(60_000)
  return net
}

describe('a validator restarted inside a height (2 of 4 down, one returns)', () => {
  it('without it, the two live validators wait in round 0 for ever', () => {
    const net = stuckAtRoundZero()
    for (const i of [0, 1]) {
      expect(net.nodes[i]!.decided).toBeUndefined()
      expect(net.nodes[i]!.state.round).toBe(0)
    }
    expect(net.nodes[2]!.lastSigned).toMatchObject({ type: 'prevote', round: 0 })
  })

  it('resumed at the round and step it last signed, with its last vote re-sent: the three decide', () => {
    const net = stuckAtRoundZero()
    const signed = net.nodes[2]!.lastSigned as Vote
    const restored = createConsensusState(params(2), 1, {
      round: signed.round,
      step: signed.type,
      lockedValue: null,
      lockedRound: -1,
    })
    net.restart(2, restored)
    net.runUntil(net.now() + 60_000)
    const decided = [0, 1, 2].map((i) => net.nodes[i]!.decided)
    expect(decided[0]).toBeDefined()
    expect(new Set(decided).size).toBe(1)
    // and its own prevote of round 0 was not signed again differently
    expect(net.nodes[2]!.state.height).toBe(2)
  })

  it('resumed a round ahead (the old restore) it waits there alone and nobody decides', () => {
    const net = stuckAtRoundZero()
    const signed = net.nodes[2]!.lastSigned as Vote
    // round + 1, started from its beginning: what enterHeight did before `ConsensusRestore`
    const ahead = { ...createConsensusState(params(2), 1), round: signed.round + 1 }
    net.restart(2, ahead)
    net.runUntil(net.now() + 60_000)
    for (const i of [0, 1, 2]) expect(net.nodes[i]!.decided).toBeUndefined()
  })

  it('a restored state that had only proposed resumes with a propose timeout, not a second proposal', () => {
    const proposer = new ValidatorSchedule(set, { firstHeight: 1 }).proposer(1, 0)
    const s = createConsensusState(params(proposer), 1, {
      round: 0,
      step: 'propose',
      lockedValue: null,
      lockedRound: -1,
    })
    const { outputs } = consensusStep(params(proposer), s, { type: 'start' })
    expect(outputs.map((o) => o.type)).toEqual(['scheduleTimeout'])
    expect(outputs[0]).toMatchObject({ kind: 'propose', round: 0 })
  })
})
