import type { ConsensusParams, ConsensusState, RoundVotes } from './consensusState.js'
import { createConsensusState } from './consensusState.js'
import { timeoutDuration } from './timeouts.js'
import type { ConsensusInput, ConsensusOutput, Proposal, TimeoutKind, Value, Vote } from './types.js'
import type { ValidatorSet } from './validatorSet.js'

const EMPTY_ROUND: RoundVotes = { prevotes: [], precommits: [], conflicting: [] }

/** A working copy of the state: fields are reassigned, never mutated in place, so the input stays intact. */
type Draft = { -readonly [K in keyof ConsensusState]: ConsensusState[K] }

/**
 * The Tendermint state machine (arXiv 1807.04938, Algorithm 1) as one pure function: the same state and
 * input always give the same new state and outputs. No clock, no I/O: timers are outputs
 * (`scheduleTimeout`) that come back as inputs, and signing, persisting and sending are outputs the node
 * performs. Votes and proposals must have passed `validateConsensusMessage` (signature, known validator,
 * height window) first; what still does not fit here is answered with an `ignored` output and changes
 * nothing.
 *
 * @example
 * ```ts
 * let state = createConsensusState(params, 1)
 * let outputs: ConsensusOutput[]
 * ;({ state, outputs } = consensusStep(params, state, { type: 'start' }))
 * // outputs: [{ type: 'getValue', height: 1, round: 0 }] on the proposer, a propose timeout elsewhere
 * ```
 */
export function consensusStep(
  params: ConsensusParams,
  state: ConsensusState,
  input: ConsensusInput,
): { state: ConsensusState; outputs: ConsensusOutput[] } {
  const s: Draft = { ...state }
  const out: ConsensusOutput[] = []
  const ignored = (reason: string) => ({ state, outputs: [{ type: 'ignored', reason } as const] })
  switch (input.type) {
    case 'start':
      if (s.proposedRound === s.round) resumeRound(params, s, out)
      else startRound(params, s, out, s.round)
      break
    case 'proposal': {
      const reason = addProposal(params, s, out, input.proposal)
      if (reason) return ignored(reason)
      break
    }
    case 'vote': {
      const reason = addVote(params, s, out, input.vote)
      if (reason) return ignored(reason)
      break
    }
    case 'timeout': {
      if (input.height !== s.height || input.round !== s.round) return ignored('stale timeout')
      onTimeout(params, s, out, input.kind)
      break
    }
    case 'proposeValue': {
      if (input.height !== s.height || input.round !== s.round || s.awaitingValueRound !== s.round)
        return ignored('no value was requested for this height and round')
      s.awaitingValueRound = -1
      sendProposal(s, out, input.value, -1)
      break
    }
    case 'commit': {
      if (input.height !== s.height) return ignored(`commit for height ${input.height}, at ${s.height}`)
      const set = params.schedule.setAt(s.height)
      const seen = new Set<number>()
      let power = 0
      for (const v of input.precommits) {
        if (
          v.type !== 'precommit' ||
          v.height !== input.height ||
          v.round !== input.round ||
          v.value !== input.value
        )
          return ignored('commit holds a vote for something else')
        if (seen.has(v.validator) || set.powerOf(v.validator) === 0) return ignored('commit has a bad signer')
        seen.add(v.validator)
        power += set.powerOf(v.validator)
      }
      if (!set.hasQuorum(power)) return ignored('commit without a quorum of power')
      decide(params, s, out, input.round, input.value, input.precommits)
      break
    }
    case 'rebroadcast':
      return { state, outputs: rebroadcast(s) }
  }
  applyRules(params, s, out)
  return { state: s, outputs: out }
}

function setOf(params: ConsensusParams, s: Draft): ValidatorSet {
  return params.schedule.setAt(s.height)
}

function isProposer(params: ConsensusParams, s: Draft, round: number): boolean {
  return s.selfIndex >= 0 && params.schedule.proposer(s.height, round) === s.selfIndex
}

// Algorithm 1, StartRound (lines 11-21).
function startRound(params: ConsensusParams, s: Draft, out: ConsensusOutput[], round: number): void {
  s.round = round
  s.step = 'propose'
  if (isProposer(params, s, round)) {
    if (s.validValue !== null && params.faults?.proposeFresh !== true)
      sendProposal(s, out, s.validValue, s.validRound)
    else {
      s.awaitingValueRound = round
      out.push({ type: 'getValue', height: s.height, round })
    }
  } else {
    schedule(params, s, out, 'propose')
  }
}

/**
 * A restored state (`ConsensusRestore`) resumes its round at the step it had signed: only a validator that
 * had not voted yet needs a timer (the propose timeout, as a non-proposer sets it); from prevote on, the
 * quorum rules schedule what follows.
 */
function resumeRound(params: ConsensusParams, s: Draft, out: ConsensusOutput[]): void {
  if (s.step === 'propose') schedule(params, s, out, 'propose')
}

function sendProposal(s: Draft, out: ConsensusOutput[], value: Value, validRound: number): void {
  if (s.proposedRound === s.round) return
  s.proposedRound = s.round
  out.push({
    type: 'propose',
    proposal: { height: s.height, round: s.round, value, validRound, proposer: s.selfIndex },
  })
}

function schedule(params: ConsensusParams, s: Draft, out: ConsensusOutput[], kind: TimeoutKind): void {
  out.push({
    type: 'scheduleTimeout',
    kind,
    height: s.height,
    round: s.round,
    durationMs: timeoutDuration(params.timeouts, kind, s.round),
  })
}

function castVote(s: Draft, out: ConsensusOutput[], type: Vote['type'], value: Value | null): void {
  s.step = type
  if (s.selfIndex < 0) return
  out.push({ type: 'vote', vote: { type, height: s.height, round: s.round, value, validator: s.selfIndex } })
}

function bufferNext(params: ConsensusParams, s: Draft, msg: Proposal | Vote): string | null {
  if (s.buffered.length >= (params.maxBuffered ?? 1024)) return 'next-height buffer full'
  s.buffered = [...s.buffered, msg]
  return null
}

function roundWindow(params: ConsensusParams, s: Draft, round: number): string | null {
  if (!Number.isSafeInteger(round) || round < 0) return `bad round ${round}`
  if (round > s.round + (params.maxRoundsAhead ?? 64)) return `round ${round} too far ahead of ${s.round}`
  return null
}

function addProposal(params: ConsensusParams, s: Draft, out: ConsensusOutput[], p: Proposal): string | null {
  if (p.height === s.height + 1) return bufferNext(params, s, p)
  if (p.height !== s.height) return `proposal for height ${p.height}, at ${s.height}`
  const bad = roundWindow(params, s, p.round)
  if (bad) return bad
  if (!Number.isSafeInteger(p.validRound) || p.validRound < -1 || p.validRound >= p.round)
    return `proposal validRound ${p.validRound} not in [-1, ${p.round})`
  if (params.schedule.proposer(s.height, p.round) !== p.proposer)
    return `validator ${p.proposer} is not the proposer of round ${p.round}`
  if (s.proposals.has(p.round)) return 'a proposal for this round is already known'
  const proposals = new Map(s.proposals)
  proposals.set(p.round, p)
  s.proposals = proposals
  void out
  return null
}

function addVote(params: ConsensusParams, s: Draft, out: ConsensusOutput[], v: Vote): string | null {
  if (v.height === s.height + 1) return bufferNext(params, s, v)
  if (v.height !== s.height) return `vote for height ${v.height}, at ${s.height}`
  const bad = roundWindow(params, s, v.round)
  if (bad) return bad
  const set = setOf(params, s)
  if (set.powerOf(v.validator) === 0) return `validator ${v.validator} is not in the set`
  const rv = s.votes.get(v.round) ?? EMPTY_ROUND
  const list = v.type === 'prevote' ? rv.prevotes : rv.precommits
  const prior = list[v.validator]
  if (prior) {
    if (prior.value === v.value) return 'duplicate vote'
    const known = rv.conflicting.some(
      (c) => c.type === v.type && c.validator === v.validator && c.value === v.value,
    )
    if (known) return 'duplicate vote'
    const key = `${v.validator}:${v.round}:${v.type}`
    const fresh = !s.reportedEvidence.has(key)
    if (fresh) {
      s.reportedEvidence = new Set(s.reportedEvidence).add(key)
      out.push({ type: 'evidence', evidence: { kind: 'duplicate-vote', voteA: prior, voteB: v } })
    }
    const relevant = v.value === null || [...s.proposals.values()].some((p) => p.value === v.value)
    if (!relevant) return fresh ? null : 'conflicting vote for a value no proposal carries'
    const votes = new Map(s.votes)
    votes.set(v.round, { ...rv, conflicting: [...rv.conflicting, v] })
    s.votes = votes
    return null
  }
  const next = [...list]
  next[v.validator] = v
  const votes = new Map(s.votes)
  votes.set(v.round, v.type === 'prevote' ? { ...rv, prevotes: next } : { ...rv, precommits: next })
  s.votes = votes
  return null
}

/** Validators behind `value` in one round's votes of `type` (`undefined`: behind anything, nil included). */
function votersFor(rv: RoundVotes, type: Vote['type'], value?: Value | null): Map<number, Vote> {
  const voters = new Map<number, Vote>()
  const list = type === 'prevote' ? rv.prevotes : rv.precommits
  list.forEach((v, i) => {
    if (v && (value === undefined || v.value === value)) voters.set(i, v)
  })
  if (value !== undefined)
    for (const v of rv.conflicting)
      if (v.type === type && v.value === value && !voters.has(v.validator)) voters.set(v.validator, v)
  return voters
}

function powerFor(set: ValidatorSet, rv: RoundVotes, type: Vote['type'], value?: Value | null): number {
  let p = 0
  for (const i of votersFor(rv, type, value).keys()) p += set.powerOf(i)
  return p
}

function onTimeout(params: ConsensusParams, s: Draft, out: ConsensusOutput[], kind: TimeoutKind): void {
  if (kind === 'propose' && s.step === 'propose') castVote(s, out, 'prevote', null)
  else if (kind === 'prevote' && s.step === 'prevote') castVote(s, out, 'precommit', null)
  else if (kind === 'precommit') startRound(params, s, out, s.round + 1)
}

function decide(
  params: ConsensusParams,
  s: Draft,
  out: ConsensusOutput[],
  round: number,
  value: Value,
  precommits: readonly Vote[],
): void {
  out.push({ type: 'decide', height: s.height, round, value, precommits })
  const buffered = s.buffered
  Object.assign(s, createConsensusState(params, s.height + 1))
  startRound(params, s, out, 0)
  for (const m of buffered) {
    if ('type' in m) addVote(params, s, out, m)
    else addProposal(params, s, out, m)
  }
}

/** Fire every rule of Algorithm 1 whose condition holds, until none does. */
function applyRules(params: ConsensusParams, s: Draft, out: ConsensusOutput[]): void {
  for (let guard = 0; guard < 1_000; guard++) {
    if (!applyOneRule(params, s, out)) return
  }
}

function applyOneRule(params: ConsensusParams, s: Draft, out: ConsensusOutput[]): boolean {
  const set = setOf(params, s)
  // Lines 49-54: a decision in any round (a proposal and >2/3 precommits for its value).
  for (const [r, rv] of s.votes) {
    const p = s.proposals.get(r)
    if (p && set.hasQuorum(powerFor(set, rv, 'precommit', p.value)) && params.isValid(s.height, p.value)) {
      const precommits = [...votersFor(rv, 'precommit', p.value).values()].sort(
        (a, b) => a.validator - b.validator,
      )
      decide(params, s, out, r, p.value, precommits)
      return true
    }
  }
  // Lines 55-56: >1/3 of the power is in a later round: skip to it.
  for (const [r, rv] of s.votes) {
    if (r <= s.round) continue
    const senders = new Set<number>()
    for (const list of [rv.prevotes, rv.precommits])
      list.forEach((v, i) => {
        if (v) senders.add(i)
      })
    const p = s.proposals.get(r)
    if (p) senders.add(p.proposer)
    let power = 0
    for (const i of senders) power += set.powerOf(i)
    if (set.hasOneThird(power)) {
      startRound(params, s, out, r)
      return true
    }
  }
  const r = s.round
  const rv = s.votes.get(r) ?? EMPTY_ROUND
  const p = s.proposals.get(r)
  const ignoreLock = params.faults?.ignoreLock === true
  if (s.step === 'propose' && p) {
    // Lines 22-27: a fresh proposal.
    if (p.validRound === -1) {
      const ok =
        params.isValid(s.height, p.value) && (ignoreLock || s.lockedRound === -1 || s.lockedValue === p.value)
      castVote(s, out, 'prevote', ok ? p.value : null)
      return true
    }
    // Lines 28-33: a re-proposal backed by a prevote quorum of its valid round.
    const vr = s.votes.get(p.validRound)
    if (vr && set.hasQuorum(powerFor(set, vr, 'prevote', p.value))) {
      const ok =
        params.isValid(s.height, p.value) &&
        (ignoreLock || s.lockedRound <= p.validRound || s.lockedValue === p.value)
      castVote(s, out, 'prevote', ok ? p.value : null)
      return true
    }
  }
  // Lines 34-35: any >2/3 prevotes, first time: wait a little longer for agreement.
  if (s.step === 'prevote' && !s.prevoteTimeoutRounds.has(r) && set.hasQuorum(powerFor(set, rv, 'prevote'))) {
    s.prevoteTimeoutRounds = new Set(s.prevoteTimeoutRounds).add(r)
    schedule(params, s, out, 'prevote')
    return true
  }
  // Lines 36-43: a proposal and >2/3 prevotes for it: lock (if still at prevote) and remember it as valid.
  if (
    p &&
    s.step !== 'propose' &&
    !s.validUpdatedRounds.has(r) &&
    set.hasQuorum(powerFor(set, rv, 'prevote', p.value)) &&
    params.isValid(s.height, p.value)
  ) {
    s.validUpdatedRounds = new Set(s.validUpdatedRounds).add(r)
    if (s.step === 'prevote') {
      s.lockedValue = p.value
      s.lockedRound = r
      castVote(s, out, 'precommit', p.value)
    }
    s.validValue = p.value
    s.validRound = r
    return true
  }
  // Lines 36-43 relaxed for earlier rounds (as the round-skip rule, any round): a proposal with a prevote
  // quorum in a round after validRound becomes the valid value, without locking. Only what this validator
  // would propose changes, and a re-proposal still carries its POL round, so safety is untouched; without
  // it, a lock taken before GST whose quorum reached the next proposers too late is never re-proposed.
  for (const [vr, pvr] of s.proposals) {
    if (vr >= r || vr <= s.validRound) continue
    const votes = s.votes.get(vr)
    if (
      votes &&
      set.hasQuorum(powerFor(set, votes, 'prevote', pvr.value)) &&
      params.isValid(s.height, pvr.value)
    ) {
      s.validValue = pvr.value
      s.validRound = vr
      return true
    }
  }
  // Lines 44-46: >2/3 prevotes for nil.
  if (s.step === 'prevote' && set.hasQuorum(powerFor(set, rv, 'prevote', null))) {
    castVote(s, out, 'precommit', null)
    return true
  }
  // Lines 47-48: any >2/3 precommits, first time.
  if (!s.precommitTimeoutRounds.has(r) && set.hasQuorum(powerFor(set, rv, 'precommit'))) {
    s.precommitTimeoutRounds = new Set(s.precommitTimeoutRounds).add(r)
    schedule(params, s, out, 'precommit')
    return true
  }
  return false
}

/**
 * What gossip re-sends each tick so that messages lost before GST still arrive after it (Tendermint's
 * liveness assumes eventual delivery): the current round's proposal and this validator's votes in it, and
 * the previous round's votes, and the proof-of-lock of the valid value (its proposal and its prevotes), which a later proposer needs to
 * re-propose it and locked validators need to accept it. Relayed messages keep their original signatures.
 */
function rebroadcast(s: ConsensusState): ConsensusOutput[] {
  const out: ConsensusOutput[] = []
  const p = s.proposals.get(s.round)
  if (p) out.push({ type: 'rebroadcast', message: p })
  // Own votes of this round and the one before: peers still in the previous round need them to time
  // out of it when fewer than 1/3 of the power is ahead (the round-skip rule cannot fire for them).
  if (s.selfIndex >= 0)
    for (const r of s.round > 0 ? [s.round - 1, s.round] : [s.round]) {
      const rv = s.votes.get(r)
      for (const v of [rv?.prevotes[s.selfIndex], rv?.precommits[s.selfIndex]])
        if (v) out.push({ type: 'rebroadcast', message: v })
    }
  if (s.validRound >= 0 && s.validRound !== s.round) {
    const pol = s.proposals.get(s.validRound)
    if (pol) out.push({ type: 'rebroadcast', message: pol })
    const pv = s.votes.get(s.validRound)
    if (pv)
      for (const v of votersFor(pv, 'prevote', s.validValue).values())
        out.push({ type: 'rebroadcast', message: v })
  }
  return out
}
