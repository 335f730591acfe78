import { type BlockCandidate, shouldSealAt } from '@rollup-mesh/chain'
import {
  type ConsensusInput,
  type ConsensusOutput,
  type ConsensusParams,
  type ConsensusState,
  certificateSigners,
  consensusStep,
  createCommitCertificate,
  createConsensusState,
  DoubleSignRefusedError,
  encodeCommitCertificate,
  encodeProposal,
  encodeVote,
  type Proposal,
  signProposal,
  signVote,
  type Vote,
} from '@rollup-mesh/consensus'
import { createSilentLogger } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import { encodeBlockHeader } from './blockBody.js'
import { commitSyncRunner } from './commitSyncRunner.js'
import type {
  ConsensusDriver,
  ConsensusDriverInit,
  ConsensusTimers,
  LastCommit,
} from './consensusDriverApi.js'
import { proposalThrottle } from './proposalThrottle.js'
import { executeProposedBlock } from './proposedBlock.js'

export type {
  ConsensusDriver,
  ConsensusDriverInit,
  ConsensusNetwork,
  ConsensusTimers,
  LastCommit,
} from './consensusDriverApi.js'

const nodeTimers: ConsensusTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
}

type Body = { header: Uint8Array; txs: Hex[] }

/**
 * Runs `consensusStep` for the main net: one input at a time (a serial queue), performing its outputs in
 * order. `getValue` → `chain.buildBlock` once the block time has passed (with blocks faster than 1 s an
 * empty block waits for the clock; a transaction entering the pool meanwhile builds at once); a proposal's
 * block is executed (`chain.executeBlock`, the candidate cached by hash) before the proposal enters the state
 * machine, so `isValid` is a lookup; `propose`/`vote` → the signing guard persists first, then sign, publish, feed back;
 * `decide` → `createCommitCertificate` and `chain.commitCandidate(candidate, { certificate })`; `evidence` →
 * the evidence store. Timers are Node timers (injectable). A restart reads the guard back: the round and
 * lock of the height it last signed.
 *
 * @example
 * ```ts
 * const driver = createConsensusDriver({ chain, chainId: 900, schedule, self, guard, timeouts, blockTimeMs: 1000, network: () => net, evidence })
 * await driver.start() // proposes, votes and commits blocks with certificates
 * ```
 */
export function createConsensusDriver(init: ConsensusDriverInit): ConsensusDriver {
  const { chain, chainId, schedule, self, guard } = init
  const log = (init.logger ?? createSilentLogger()).child({ module: 'consensus' })
  const timers = init.timers ?? nodeTimers
  const candidates = new Map<Hex, BlockCandidate>()
  /** Values whose block failed execution at this height (not executed again on a re-broadcast). */
  const invalid = new Set<Hex>()
  const bodies = new Map<Hex, Body>()
  const future: Array<{ proposal: Proposal; body: Body }> = []
  const proposals = proposalThrottle(init.proposalRebroadcastMs ?? 3_000, { schedule, key: self?.publicKey })
  const pending = new Set<unknown>()
  const params: ConsensusParams = {
    schedule,
    selfKey: self?.publicKey,
    isValid: (_h, value) => candidates.has(value),
    timeouts: init.timeouts,
  }
  let state: ConsensusState = createConsensusState(params, 1)
  let running = false
  let queue: Promise<void> = Promise.resolve()
  let last: LastCommit | null = null
  let lastBlockAt = 0
  /**
   * The proposer's build attempt that found nothing to seal, and its timer: the next pool transaction runs it
   * at once in the timer's place (one attempt chain per round, however many transactions arrive).
   */
  let buildOnTx: { attempt: () => void; handle: unknown } | undefined
  const unsubscribe: Array<() => void> = []
  const onPoolTx = (): void => {
    const waiting = buildOnTx
    if (!waiting || !running) return
    buildOnTx = undefined
    timers.clearTimeout(waiting.handle)
    pending.delete(waiting.handle)
    waiting.attempt()
  }
  /** The head the state machine's height was entered on (a block committed otherwise moves past it). */
  let enteredHead = -1n

  const later = (ms: number, fn: () => void): unknown => {
    const handle = timers.setTimeout(() => {
      pending.delete(handle)
      if (running) fn()
    }, ms)
    pending.add(handle)
    return handle
  }
  /**
   * The driver's one serial queue: runs `fn` after every earlier input, first entering the head's next height
   * (`ensureHeight`), and hands back its result or its error (commit sync applies blocks this way).
   */
  const inQueue = <T>(fn: () => Promise<T> | T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue = queue.then(async () => {
        try {
          if (running) await ensureHeight()
          resolve(await fn())
        } catch (err) {
          reject(err)
        }
      })
    })
  /** `inQueue` for inputs nobody awaits: a failed step is logged. */
  const enqueue = (fn: () => Promise<void> | void): void => {
    inQueue(fn).catch((err: unknown) => log.error({ err }, 'consensus step failed'))
  }

  /**
   * A block committed outside this driver's decisions (commit sync, dev methods) moves the state machine to
   * the new head's next height BEFORE any further input: votes and proposals queued for the old height
   * would otherwise execute a proposal against the wrong parent or decide a block already committed.
   */
  const ensureHeight = async (): Promise<void> => {
    if (chain.head().number !== enteredHead) await enterHeight()
  }
  const sync = commitSyncRunner({
    chain,
    source: init.catchUp,
    log,
    height: () => state.height,
    running: () => running,
    inQueue,
    catchUpAfterMs: init.catchUpAfterMs,
    catchUpGraceMs: init.catchUpGraceMs,
  })

  /** Restarts the state machine at head + 1 (start, or a block committed by sync or a dev method). */
  const enterHeight = async (): Promise<void> => {
    const height = Number(chain.head().number) + 1
    const g = guard.state
    // After a restart inside a height: the machine resumes the round and step last signed, with its lock
    // (`ConsensusRestore`): peers still in that round need its next vote there. It does not propose again
    // (a rebuilt block would have another hash, which the guard refuses); its last vote goes out again.
    const restore =
      g && g.height === height
        ? { round: g.round, step: g.step, lockedValue: g.lockedValue, lockedRound: g.lockedRound }
        : undefined
    state = createConsensusState(params, height, restore)
    enteredHead = chain.head().number
    sync.entered(height)
    candidates.clear()
    invalid.clear()
    await step({ type: 'start' })
    if (restore && g) await resendLastVote(g)
    await replayFuture()
  }

  /**
   * After a restart inside a height, the vote last signed there goes out again (the same message: BLS
   * signatures are deterministic, and the guard signed exactly this) and counts in this node's own tally,
   * as the resumed state machine expects (it resumes at the step after that vote).
   */
  const resendLastVote = async (g: { height: number; round: number; step: string; value: Hex | null }) => {
    if (!self || (g.step !== 'prevote' && g.step !== 'precommit')) return
    const set = schedule.setAt(g.height)
    const validator = set.indexOfKey(self.publicKey)
    if (validator < 0) return
    const vote = signVote(
      { type: g.step, height: g.height, round: g.round, value: g.value, validator },
      self.secretKey,
      chainId,
      set,
    )
    publish(vote)
    await step({ type: 'vote', vote })
  }

  const replayFuture = async (): Promise<void> => {
    const now = future.splice(0).filter((f) => f.proposal.height >= state.height)
    for (const f of now) {
      if (f.proposal.height === state.height) await acceptProposal(f.proposal, f.body)
      else future.push(f)
    }
  }

  const step = async (input: ConsensusInput): Promise<void> => {
    const height = state.height
    const result = consensusStep(params, state, input)
    state = result.state
    for (const out of result.outputs) await perform(out)
    if (state.height !== height) await replayFuture()
  }

  const publish = (message: Proposal | Vote): void => {
    const net = init.network()
    if (!net) return
    if ('type' in message) net.publishVote(encodeVote(message, chainId))
    else {
      const body = bodies.get(message.value)
      if (body) net.publishProposal(encodeProposal(message, chainId), body.header, body.txs)
    }
  }

  const perform = async (out: ConsensusOutput): Promise<void> => {
    switch (out.type) {
      case 'getValue':
        return scheduleBuild(out.height, out.round)
      case 'propose':
      case 'vote': {
        if (!self) return
        const m = out.type === 'propose' ? out.proposal : out.vote
        const kind = out.type === 'propose' ? 'propose' : out.vote.type
        try {
          guard.authorize(
            { height: m.height, round: m.round, step: kind, value: m.value },
            { lockedValue: state.lockedValue, lockedRound: state.lockedRound },
          )
        } catch (err) {
          if (err instanceof DoubleSignRefusedError) {
            log.warn({ err: err.shortMessage }, 'signing guard refused; not sent')
            return
          }
          throw err
        }
        const set = schedule.setAt(m.height)
        if (out.type === 'propose') {
          const signed = signProposal(out.proposal, self.secretKey, chainId, set)
          proposals.seen(signed)
          publish(signed)
          return step({ type: 'proposal', proposal: signed })
        }
        const signed = signVote(out.vote, self.secretKey, chainId, set)
        publish(signed)
        return step({ type: 'vote', vote: signed })
      }
      case 'rebroadcast':
        if (!('type' in out.message) && !proposals.mayResend(out.message)) return
        return publish(out.message)
      case 'scheduleTimeout':
        later(out.durationMs, () =>
          enqueue(() => step({ type: 'timeout', kind: out.kind, height: out.height, round: out.round })),
        )
        return
      case 'decide':
        return commit(out)
      case 'evidence':
        init.evidence.add(out.evidence, schedule.setAt(out.evidence.voteA.height))
        log.warn(
          { validator: out.evidence.voteA.validator, height: out.evidence.voteA.height },
          'equivocation evidence',
        )
        return
      case 'ignored':
        return
    }
  }

  const commit = (out: Extract<ConsensusOutput, { type: 'decide' }>): void => {
    const candidate = candidates.get(out.value)
    if (!candidate) {
      log.error({ height: out.height, value: out.value }, 'decided a block this node has not executed')
      return
    }
    if (chain.head().number >= BigInt(out.height)) {
      // Not reachable while every queued input first enters the head's next height (`ensureHeight`);
      // kept so a block committed otherwise is reported, never a StaleCandidateError.
      const stored = chain.store.getHeaderByNumber(BigInt(out.height))
      log.warn({ height: out.height, same: stored?.hash === out.value }, 'decided a height already committed')
      return
    }
    const set = schedule.setAt(out.height)
    const cert = createCommitCertificate({ chainId, set, precommits: out.precommits })
    chain.commitCandidate(candidate, { certificate: encodeCommitCertificate(cert) })
    // the state machine is already at the next height: this head is the one it was entered on
    enteredHead = chain.head().number
    sync.entered(state.height)
    candidates.clear()
    invalid.clear()
    for (const v of [...bodies.keys()]) if (!future.some((f) => f.proposal.value === v)) bodies.delete(v)
    last = {
      number: BigInt(out.height),
      round: out.round,
      signers: certificateSigners(cert).map((i) => set.validators[i]?.address.toLowerCase() as Address),
    }
    log.debug({ height: out.height, round: out.round, signers: last.signers.length }, 'block finalized')
  }

  const scheduleBuild = (height: number, round: number): void => {
    const maxLead = BigInt(init.maxTimestampLeadS ?? 2)
    const attempt = (): void =>
      enqueue(async () => {
        if (state.height !== height || state.round !== round || state.awaitingValueRound !== round) return
        const nowMs = Date.now()
        const wait = lastBlockAt + init.blockTimeMs - nowMs
        if (wait > 0) {
          later(wait, attempt)
          return
        }
        const nowS = BigInt(Math.floor(nowMs / 1000))
        // With blocks faster than 1 s an empty block waits for the clock (as the interval producer does);
        // from round 1 on, liveness matters more than an empty block's timestamp.
        if (round === 0 && !shouldSealAt(chain, nowS, maxLead)) {
          // a transaction arriving meanwhile tries again at once (`onPoolTx`), not at the next tick
          const handle = later(Math.min(init.blockTimeMs, 1000 - (nowMs % 1000)), attempt)
          buildOnTx = { attempt, handle }
          return
        }
        buildOnTx = undefined
        lastBlockAt = nowMs
        const c = await chain.buildBlock(nowS)
        candidates.set(c.hash, c)
        bodies.set(c.hash, { header: encodeBlockHeader(c.header), txs: c.txs.map((t) => t.raw) })
        await step({ type: 'proposeValue', height, round, value: c.hash })
      })
    attempt()
  }

  /** Executes a proposal's block (once per value), then feeds the proposal in. */
  const acceptProposal = async (proposal: Proposal, body: Body): Promise<void> => {
    if (proposal.height > state.height) {
      if (future.length < 64) future.push({ proposal, body })
      return
    }
    if (proposal.height < state.height) return
    proposals.arrived(proposal)
    if (!bodies.has(proposal.value)) bodies.set(proposal.value, body)
    if (!candidates.has(proposal.value) && !invalid.has(proposal.value)) {
      invalid.add(proposal.value)
      const c = await executeProposedBlock({
        chain,
        schedule,
        proposal,
        body,
        maxTimestampLeadS: init.maxTimestampLeadS ?? 2,
        log,
        ...(init.checkCandidate ? { check: init.checkCandidate } : {}),
      })
      if (c) {
        candidates.set(c.hash, c)
        invalid.delete(c.hash)
      }
    }
    if (proposal.height === state.height) await step({ type: 'proposal', proposal })
  }

  let rebroadcastTimer = (): void => {}
  rebroadcastTimer = () =>
    later(init.rebroadcastMs ?? 1000, () => {
      enqueue(() => step({ type: 'rebroadcast' }))
      sync.tick()
      rebroadcastTimer()
    })

  return {
    async start() {
      if (running) return
      running = true
      lastBlockAt = Date.now()
      unsubscribe.push(
        chain.events.on('block', () => {
          if (running) enqueue(() => undefined) // ensureHeight: a block committed otherwise
        }),
        chain.mempool.events.on('tx', onPoolTx),
      )
      enqueue(() => undefined) // ensureHeight enters head + 1
      rebroadcastTimer()
      await queue
    },
    async stop() {
      running = false
      for (const off of unsubscribe.splice(0)) off()
      buildOnTx = undefined
      for (const h of pending) timers.clearTimeout(h)
      pending.clear()
      await queue
    },
    isStarted: () => running,
    status: () => ({ height: state.height, round: state.round, step: state.step }),
    lastCommit: () => last,
    onVote(vote) {
      enqueue(() => (running ? step({ type: 'vote', vote }) : undefined))
    },
    onProposal(proposal, header, txs) {
      enqueue(() => (running ? acceptProposal(proposal, { header, txs: [...txs] }) : undefined))
    },
    onAhead: (height, peer) => sync.onAhead(height, peer),
    syncedBlocks: () => sync.synced(),
  }
}
