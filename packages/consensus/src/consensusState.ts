import type { TimeoutParams } from './timeouts.js'
import type { Proposal, RoundStep, Value, Vote } from './types.js'
import type { ValidatorSchedule } from './validatorSchedule.js'

/**
 * Votes of one round, indexed by validator: the first vote of each, and the conflicting ones of
 * equivocators (each is also evidence). A conflicting vote is kept only for nil or for a value some
 * proposal of this height carries (bounded by the rounds): an equivocator's power then counts toward each
 * value it voted for, as CometBFT's vote set does for a claimed majority, so a proof-of-lock relayed by a
 * peer is still seen whichever of the twin votes arrived first. Safety is unchanged: the quorum
 * intersection argument already lets Byzantine validators vote both ways.
 */
export type RoundVotes = {
  readonly prevotes: readonly (Vote | undefined)[]
  readonly precommits: readonly (Vote | undefined)[]
  readonly conflicting: readonly Vote[]
}

/**
 * Everything the state machine knows, as a value: `consensusStep` never mutates it and returns a new one
 * (maps and arrays are copied on write, so old states stay valid and can be compared or replayed).
 */
export type ConsensusState = {
  readonly height: number
  readonly round: number
  readonly step: RoundStep
  readonly lockedValue: Value | null
  readonly lockedRound: number
  readonly validValue: Value | null
  readonly validRound: number
  /** This validator's index in the current height's set, -1 when it only follows. */
  readonly selfIndex: number
  /** The first proposal from the round's proposer, per round. */
  readonly proposals: ReadonlyMap<number, Proposal>
  readonly votes: ReadonlyMap<number, RoundVotes>
  /** Rounds whose "first time" rules already fired (Algorithm 1 lines 34, 36, 47). */
  readonly prevoteTimeoutRounds: ReadonlySet<number>
  readonly validUpdatedRounds: ReadonlySet<number>
  readonly precommitTimeoutRounds: ReadonlySet<number>
  /** The round whose `getValue` is outstanding (-1 when none) and whether this round's proposal left. */
  readonly awaitingValueRound: number
  readonly proposedRound: number
  /** Messages for height + 1 that arrived early, replayed when the height is decided (bounded). */
  readonly buffered: readonly (Proposal | Vote)[]
  /** Evidence already reported at this height (validator:round:type), so each is emitted once. */
  readonly reportedEvidence: ReadonlySet<string>
}

/** What does not change while the machine runs. */
export type ConsensusParams = {
  readonly schedule: ValidatorSchedule
  /** This validator's BLS public key; absent for a node that only follows (never proposes or votes). */
  readonly selfKey?: Uint8Array | undefined
  /** Is the block with this hash valid at this height? Injected by the node (execution); must be pure. */
  readonly isValid: (height: number, value: Value) => boolean
  readonly timeouts: TimeoutParams
  /** Votes for rounds further ahead than this are ignored (bounds memory against a flooding peer). */
  readonly maxRoundsAhead?: number | undefined
  /** At most this many early messages for the next height are kept. */
  readonly maxBuffered?: number | undefined
  /**
   * @internal Test-only bug injection, for showing that the simulation's checker bites. Never set in a
   * node. `ignoreLock`: prevote any valid proposal whatever the lock (Algorithm 1 lines 23 and 29 without
   * their lock condition). `proposeFresh`: a Byzantine proposer's habit, always proposing a new value
   * instead of its valid value (the simulation's Twins use it).
   */
  readonly faults?: { readonly ignoreLock?: boolean; readonly proposeFresh?: boolean } | undefined
}

/**
 * Where a validator restarted inside a height resumes, read back from its signing guard: the round and step
 * it last signed in, and its lock. It resumes in that very round (not the next): validators still waiting
 * there need its vote to leave the round, and with fewer than 1/3 of the power ahead of them the round-skip
 * rule cannot pull them into a later one (2 of 4 live, the third returning, would otherwise wait for ever).
 */
export type ConsensusRestore = {
  readonly round: number
  /** The step last signed; absent: the round starts from its beginning. */
  readonly step?: RoundStep | undefined
  readonly lockedValue: Value | null
  readonly lockedRound: number
}

/**
 * A fresh state at `height`, round 0, before `start`. `restore` resumes a validator restarted inside the
 * height where it last signed (`ConsensusRestore`), keeping its lock; `start` then resumes that round
 * instead of starting it (no second proposal; a propose timeout if it had only proposed).
 *
 * @example
 * ```ts
 * let state = createConsensusState(params, 1)
 * ;({ state, outputs } = consensusStep(params, state, { type: 'start' }))
 * ```
 */
export function createConsensusState(
  params: ConsensusParams,
  height: number,
  restore?: ConsensusRestore | undefined,
): ConsensusState {
  const set = params.schedule.setAt(height)
  return {
    height,
    round: restore?.round ?? 0,
    step: restore?.step ?? 'propose',
    lockedValue: restore?.lockedValue ?? null,
    lockedRound: restore?.lockedValue ? restore.lockedRound : -1,
    validValue: null,
    validRound: -1,
    selfIndex: params.selfKey ? set.indexOfKey(params.selfKey) : -1,
    proposals: new Map(),
    votes: new Map(),
    prevoteTimeoutRounds: new Set(),
    validUpdatedRounds: new Set(),
    precommitTimeoutRounds: new Set(),
    awaitingValueRound: -1,
    // Restored: the round's proposal, if this validator was its proposer, already left before the restart.
    proposedRound: restore ? restore.round : -1,
    buffered: [],
    reportedEvidence: new Set(),
  }
}
