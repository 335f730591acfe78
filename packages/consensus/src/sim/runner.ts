import { type ConsensusParams, type ConsensusState, createConsensusState } from '../consensusState.js'
import { consensusStep } from '../consensusStep.js'
import type { TimeoutParams } from '../timeouts.js'
import type { ConsensusInput, Proposal, Value, Vote } from '../types.js'
import { ValidatorSchedule } from '../validatorSchedule.js'
import { ValidatorSet } from '../validatorSet.js'
import { EventQueue } from './eventQueue.js'
import { createPRNG } from './prng.js'
import type { Scenario } from './scenario.js'
import { INVALID_SALT, isValidSimValue, simValue } from './simValues.js'

/** Timeouts of the simulated validators (virtual milliseconds). */
export const SIM_TIMEOUTS: TimeoutParams = {
  propose: { baseMs: 1_000, perRoundMs: 250 },
  prevote: { baseMs: 500, perRoundMs: 250 },
  precommit: { baseMs: 500, perRoundMs: 250 },
}
/** Every instance gossips its current round's messages and its height (for sync) this often. */
export const SIM_TICK_MS = 3_000
/** Honest validators must have decided every height this long after the network healed. */
export const TERMINATION_BOUND_MS = 120_000

/** A decision as one instance saw it. */
export type SimDecision = {
  readonly value: Value
  readonly round: number
  readonly precommits: readonly Vote[]
}

/** One process of the simulation: an honest validator, or one of a Byzantine validator's twins. */
export type SimInstance = {
  readonly id: number
  readonly validator: number
  readonly honest: boolean
  readonly params: ConsensusParams
  state: ConsensusState
  readonly decisions: Map<number, SimDecision>
  /** Honest instances this twin talks to (all, for an honest instance). */
  readonly reach: ReadonlySet<number>
}

type SimMessage =
  | { kind: 'proposal'; proposal: Proposal }
  | { kind: 'vote'; vote: Vote }
  | { kind: 'status'; height: number }
  | { kind: 'commit'; height: number; decision: SimDecision }

type SimEvent =
  | { kind: 'deliver'; from: number; to: number; msg: SimMessage }
  | { kind: 'input'; to: number; input: ConsensusInput }
  | { kind: 'tick'; to: number }

/** What a run produced, for the checker and the summary table. */
export type SimRun = {
  readonly scenario: Scenario
  readonly instances: readonly SimInstance[]
  /** Every value some instance proposed, by height. */
  readonly proposed: ReadonlyMap<number, ReadonlySet<Value>>
  /** Virtual time when every honest instance had decided every height, or -1 if never (within the bound). */
  readonly finishedAt: number
  readonly stats: {
    messages: number
    dropped: number
    duplicated: number
    evidence: number
    steps: number
    maxDecidedRound: number
  }
}

/** Test-only bug injection into every honest validator (shows the checker bites). */
export type SimInjection = { readonly ignoreLock?: boolean }

/**
 * Runs one scenario to completion on a virtual clock: honest validators and Twins (two instances per
 * Byzantine key), a network that delays, drops, duplicates, reorders and partitions until `healAt`, a
 * 1 s gossip tick (rebroadcast of the current round, height status, commit replies for lagging peers).
 *
 * @example
 * ```ts
 * const run = runScenario(scenarioFromSeed(1))
 * checkRun(run) // [] when agreement, validity and termination hold
 * ```
 */
export function runScenario(scenario: Scenario, inject: SimInjection = {}): SimRun {
  const rng = createPRNG(scenario.seed ^ 0x5eed)
  const n = scenario.powers.length
  const keys = scenario.powers.map((_, i) => fakeKey(i))
  const set = new ValidatorSet(
    scenario.powers.map((power, i) => ({
      address: `0x${(i + 1).toString(16).padStart(40, '0')}` as const,
      publicKey: keys[i]!,
      power,
    })),
  )
  const honestIds = [...Array(n).keys()].filter((i) => !scenario.byzantine.has(i))
  const instances: SimInstance[] = []
  const makeInstance = (id: number, validator: number, honest: boolean, reach: Set<number>) => {
    const params: ConsensusParams = {
      schedule: new ValidatorSchedule(set, { firstHeight: 1, epochLength: 1_000_000 }),
      selfKey: keys[validator],
      isValid: (_h, v) => isValidSimValue(v),
      timeouts: SIM_TIMEOUTS,
      faults: {
        ignoreLock:
          (honest && inject.ignoreLock === true) ||
          (!honest && scenario.byzantine.get(validator) === 'ignore-lock'),
        proposeFresh: !honest,
      },
    }
    instances[id] = {
      id,
      validator,
      honest,
      params,
      state: createConsensusState(params, 1),
      decisions: new Map(),
      reach,
    }
  }
  for (let i = 0; i < n; i++) {
    if (!scenario.byzantine.has(i)) {
      makeInstance(i, i, true, new Set(honestIds))
      continue
    }
    // Twins: each twin reaches a random part of the honest validators (together at least all of them).
    const a = new Set<number>()
    const b = new Set<number>()
    for (const h of honestIds) {
      const r = rng.int(3)
      if (r !== 1) a.add(h)
      if (r !== 0) b.add(h)
    }
    makeInstance(i, i, false, a)
    makeInstance(n + i, i, false, b)
  }
  const live = instances.filter((x): x is SimInstance => x !== undefined)
  const q = new EventQueue<SimEvent>()
  const proposed = new Map<number, Set<Value>>()
  const stats = { messages: 0, dropped: 0, duplicated: 0, evidence: 0, steps: 0, maxDecidedRound: 0 }
  const groupOf = (id: number, t: number) => {
    for (const p of scenario.partitions) if (t >= p.from && t < p.until) return p.groups[id] ?? 0
    return 0
  }
  const send = (from: SimInstance, to: SimInstance, msg: SimMessage) => {
    const t = q.now
    stats.messages++
    const beforeHeal = t < scenario.healAt
    if (beforeHeal && (groupOf(from.id, t) !== groupOf(to.id, t) || rng.chance(scenario.dropRate))) {
      stats.dropped++
      return
    }
    const delay = () => {
      const d = scenario.minDelayMs + rng.int(scenario.maxDelayMs - scenario.minDelayMs + 1)
      return beforeHeal && rng.chance(scenario.reorderRate) ? d * (2 + rng.int(8)) : d
    }
    q.push(t + delay(), { kind: 'deliver', from: from.id, to: to.id, msg })
    if (rng.chance(scenario.duplicateRate)) {
      stats.duplicated++
      q.push(t + delay(), { kind: 'deliver', from: from.id, to: to.id, msg })
    }
  }
  const canReach = (from: SimInstance, to: SimInstance) =>
    from.id !== to.id && (to.honest ? from.reach.has(to.validator) : true)
  const broadcast = (from: SimInstance, msg: SimMessage) => {
    for (const to of live) if (canReach(from, to)) send(from, to, msg)
  }
  const feed = (inst: SimInstance, first: ConsensusInput) => {
    const local: ConsensusInput[] = [first]
    while (local.length > 0) {
      const input = local.shift()!
      stats.steps++
      const { state, outputs } = consensusStep(inst.params, inst.state, input)
      inst.state = state
      for (const o of outputs) {
        switch (o.type) {
          case 'getValue': {
            const kind = inst.honest ? undefined : scenario.byzantine.get(inst.validator)
            const salt =
              kind === 'invalid-proposal' ? INVALID_SALT : BigInt(inst.id === inst.validator ? 0 : 1)
            // Through the queue, as a node builds its block asynchronously (and a lone validator would
            // otherwise decide heights forever inside one event).
            q.push(q.now, {
              kind: 'input',
              to: inst.id,
              input: {
                type: 'proposeValue',
                height: o.height,
                round: o.round,
                value: simValue(o.height, o.round, inst.validator, salt),
              },
            })
            break
          }
          case 'propose': {
            const values = proposed.get(o.proposal.height) ?? new Set<Value>()
            proposed.set(o.proposal.height, values.add(o.proposal.value))
            local.push({ type: 'proposal', proposal: o.proposal })
            broadcast(inst, { kind: 'proposal', proposal: o.proposal })
            break
          }
          case 'vote':
            local.push({ type: 'vote', vote: o.vote })
            broadcast(inst, { kind: 'vote', vote: o.vote })
            break
          case 'rebroadcast':
            broadcast(
              inst,
              'type' in o.message
                ? { kind: 'vote', vote: o.message }
                : { kind: 'proposal', proposal: o.message },
            )
            break
          case 'scheduleTimeout':
            q.push(q.now + o.durationMs, {
              kind: 'input',
              to: inst.id,
              input: { type: 'timeout', kind: o.kind, height: o.height, round: o.round },
            })
            break
          case 'decide':
            inst.decisions.set(o.height, { value: o.value, round: o.round, precommits: o.precommits })
            if (inst.honest) stats.maxDecidedRound = Math.max(stats.maxDecidedRound, o.round)
            break
          case 'evidence':
            stats.evidence++
            break
          case 'ignored':
            break
        }
      }
    }
  }
  const honest = live.filter((x) => x.honest)
  const done = () => honest.every((x) => x.decisions.size >= scenario.heights)
  for (const inst of live) {
    feed(inst, { type: 'start' })
    q.push(1 + rng.int(SIM_TICK_MS), { kind: 'tick', to: inst.id })
  }
  const deadline = scenario.healAt + TERMINATION_BOUND_MS
  let finishedAt = -1
  while (q.size > 0) {
    if (done()) {
      finishedAt = q.now
      break
    }
    const ev = q.pop()!
    if (ev.time > deadline) break
    const inst = live.find((x) => x.id === ev.item.to)!
    const item = ev.item
    if (item.kind === 'input') feed(inst, item.input)
    else if (item.kind === 'tick') {
      feed(inst, { type: 'rebroadcast' })
      broadcast(inst, { kind: 'status', height: inst.state.height })
      q.push(q.now + SIM_TICK_MS, { kind: 'tick', to: inst.id })
    } else {
      const msg = item.msg
      if (msg.kind === 'proposal') feed(inst, { type: 'proposal', proposal: msg.proposal })
      else if (msg.kind === 'vote') feed(inst, { type: 'vote', vote: msg.vote })
      else if (msg.kind === 'status') {
        const d = inst.decisions.get(msg.height)
        const from = live.find((x) => x.id === item.from)!
        if (d) send(inst, from, { kind: 'commit', height: msg.height, decision: d })
      } else if (msg.kind === 'commit' && msg.height === inst.state.height) {
        const d = msg.decision
        feed(inst, {
          type: 'commit',
          height: msg.height,
          round: d.round,
          value: d.value,
          precommits: d.precommits,
        })
      }
    }
  }
  return { scenario, instances: live, proposed, finishedAt, stats }
}

function fakeKey(i: number): Uint8Array {
  const k = new Uint8Array(48)
  new DataView(k.buffer).setUint32(0, i + 1)
  return k
}
