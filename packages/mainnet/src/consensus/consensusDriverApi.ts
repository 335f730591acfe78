import type { BlockCandidate, BlockProducer, Chain } from '@rollup-mesh/chain'
import type {
  ConsensusState,
  Proposal,
  SigningGuard,
  TimeoutParams,
  ValidatorSchedule,
  Vote,
} from '@rollup-mesh/consensus'
import type { Logger } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import type { CommitSource } from './commitSync.js'
import type { EvidenceStore } from './evidenceStore.js'
import type { SelfValidator } from './validatorSetup.js'

/* The consensus driver's configuration and interface (`createConsensusDriver` in consensusDriver.ts). */

/** Where the driver sends what it signs (the p2p topics; nothing when p2p is off). */
export type ConsensusNetwork = {
  publishVote(bytes: Uint8Array): void
  publishProposal(proposal: Uint8Array, header: Uint8Array, txs: Hex[]): void
}

/** Timers, injectable for tests. */
export type ConsensusTimers = {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** The last committed height as `mesh_consensusStatus` shows it. */
export type LastCommit = { number: bigint; round: number; signers: Address[] }

export type ConsensusDriverInit = {
  chain: Chain
  chainId: number
  schedule: ValidatorSchedule
  self: SelfValidator | undefined
  guard: SigningGuard
  timeouts: TimeoutParams
  /** Least time between the starts of two blocks (the interval producer's block time). */
  blockTimeMs: number
  /** Seconds a block's timestamp may run ahead of the clock (as the interval producer). Default 2. */
  maxTimestampLeadS?: number
  /** How often this validator's messages of the current round are re-sent. Default 1000 ms. */
  rebroadcastMs?: number
  /** Least time between two sends of one proposal with its block (`proposalThrottle`). Default 3000 ms. */
  proposalRebroadcastMs?: number
  network: () => ConsensusNetwork | undefined
  /**
   * Commit sync (`commitSyncSource`: finalized blocks after the head), run beside the queue: when gossip
   * showed a validator at a later height (`onAhead`) for `catchUpGraceMs`, or after `catchUpAfterMs` idle.
   */
  catchUp?: CommitSource
  /** How long without a new height before commit sync is tried with no peer known ahead. Default 3000 ms. */
  catchUpAfterMs?: number
  /** How long a peer known to have decided this height is given to reach us by votes first. Default 1000 ms. */
  catchUpGraceMs?: number
  evidence: EvidenceStore
  /** Checks beyond re-execution of a proposed block (its evidence); a throw makes the block invalid. */
  checkCandidate?: (candidate: BlockCandidate) => void
  logger?: Logger
  timers?: ConsensusTimers
}

/** The consensus-driven block producer of the main net (and what RPC and gossip ask of it). */
export type ConsensusDriver = BlockProducer & {
  /** The height being decided, its round and step. */
  status(): { height: number; round: number; step: ConsensusState['step'] }
  lastCommit(): LastCommit | null
  /** A vote or proposal that passed `validateConsensusMessage` (from gossip). */
  onVote(vote: Vote): void
  onProposal(proposal: Proposal, header: Uint8Array, txs: readonly Hex[]): void
  /** A verified consensus message of `height` came from `peer` (gossip): heights below it are decided. */
  onAhead(height: number, peer: string): void
  /** Blocks committed by commit sync since start (`mesh_consensusStatus`, tests). */
  syncedBlocks(): number
}
