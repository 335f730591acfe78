import type { Hex } from '@rollup-mesh/core'

/** A proposed value: the hash of a block (the block itself travels separately; validity is injected). */
export type Value = Hex

/** The steps of one round, in order (Tendermint, arXiv 1807.04938, Algorithm 1). */
export type RoundStep = 'propose' | 'prevote' | 'precommit'

/** The two vote kinds. */
export type VoteType = 'prevote' | 'precommit'

/** The three round timeouts. */
export type TimeoutKind = 'propose' | 'prevote' | 'precommit'

/** A vote; `value: null` is a vote for nil. `signature` is opaque to the state machine. */
export type Vote = {
  readonly type: VoteType
  readonly height: number
  readonly round: number
  readonly value: Value | null
  /** Index of the signer in the validator set of `height`. */
  readonly validator: number
  readonly signature?: Uint8Array | undefined
}

/** A proposal: `validRound` is -1 for a fresh value, else the round of its prevote quorum (the POL). */
export type Proposal = {
  readonly height: number
  readonly round: number
  readonly value: Value
  readonly validRound: number
  /** Index of the proposer in the validator set of `height`. */
  readonly proposer: number
  readonly signature?: Uint8Array | undefined
}

/** Two conflicting votes signed by one validator in one (height, round, type). */
export type DuplicateVoteEvidence = {
  readonly kind: 'duplicate-vote'
  readonly voteA: Vote
  readonly voteB: Vote
}

/** What the node feeds into the state machine. */
export type ConsensusInput =
  /** Start (or restart) the machine's current height at round 0. */
  | { readonly type: 'start' }
  /** A proposal (from the network, or this validator's own, signed and fed back). */
  | { readonly type: 'proposal'; readonly proposal: Proposal }
  /** A vote (from the network, or this validator's own, signed and fed back). */
  | { readonly type: 'vote'; readonly vote: Vote }
  /** A timer set by a `scheduleTimeout` output expired. */
  | { readonly type: 'timeout'; readonly kind: TimeoutKind; readonly height: number; readonly round: number }
  /** The value to propose, answering a `getValue` output. */
  | { readonly type: 'proposeValue'; readonly height: number; readonly round: number; readonly value: Value }
  /**
   * A commit learned by sync (a verified certificate's precommits): decides the current height at once.
   * The node verifies the certificate before feeding it in; the machine still counts the power.
   */
  | {
      readonly type: 'commit'
      readonly height: number
      readonly round: number
      readonly value: Value
      readonly precommits: readonly Vote[]
    }
  /** Re-send this validator's proposal and votes of the current round (gossip liveness after a partition). */
  | { readonly type: 'rebroadcast' }

/** What the state machine asks the node to do. The node performs them in order. */
export type ConsensusOutput =
  /** Build (or pick) a block for (height, round) and answer with a `proposeValue` input. */
  | { readonly type: 'getValue'; readonly height: number; readonly round: number }
  /** Check the signing guard, sign, broadcast, and feed the signed proposal back as a `proposal` input. */
  | { readonly type: 'propose'; readonly proposal: Proposal }
  /** Check the signing guard, persist, sign, broadcast, and feed the signed vote back as a `vote` input. */
  | { readonly type: 'vote'; readonly vote: Vote }
  /** Re-broadcast an already signed message (no signing: the guard is not involved). */
  | { readonly type: 'rebroadcast'; readonly message: Proposal | Vote }
  /** Call back with a `timeout` input after `durationMs` of local time. */
  | {
      readonly type: 'scheduleTimeout'
      readonly kind: TimeoutKind
      readonly height: number
      readonly round: number
      readonly durationMs: number
    }
  /** The height is final: `precommits` are the >2/3 that certify it (aggregate them into a certificate). */
  | {
      readonly type: 'decide'
      readonly height: number
      readonly round: number
      readonly value: Value
      readonly precommits: readonly Vote[]
    }
  /** A validator signed two conflicting votes: persist, serve and include the evidence in a block. */
  | { readonly type: 'evidence'; readonly evidence: DuplicateVoteEvidence }
  /** The input was not applied (wrong height, unknown validator, …); the state is unchanged. */
  | { readonly type: 'ignored'; readonly reason: string }
