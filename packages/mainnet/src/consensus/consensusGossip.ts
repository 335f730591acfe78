import {
  type ConsensusMessage,
  decodeConsensusMessage,
  type ValidatorSchedule,
  validateConsensusMessage,
} from '@rollup-mesh/consensus'
import { type Logger, MAINNET_NETWORK } from '@rollup-mesh/core'
import type { GossipMessage, P2P, ValidationResult } from '@rollup-mesh/p2p'
import { bytesToHex, keccak256 } from 'viem'
import type { ConsensusDriver, ConsensusNetwork } from './consensusDriver.js'
import { errorLine } from './errorLine.js'

/** Messages further ahead than this many heights are refused (and cost the sender score); nearer ones wait. */
export const FAR_FUTURE_HEIGHTS = 64

/** How many verified consensus messages `verifiedMessages` remembers before it starts over. */
const VERIFIED_CACHE_SIZE = 4_096

/**
 * The signed bytes of consensus messages that passed `validateConsensusMessage` (their BLS signature
 * included). Re-broadcasts carry the identical signed message under a new `seq`, so without this every
 * re-broadcast vote was verified again: ~6 s of one core per minute on each of 4 validators.
 */
export function verifiedMessages(size = VERIFIED_CACHE_SIZE) {
  const seen = new Set<string>()
  return {
    has: (bytes: Uint8Array) => seen.has(bytesToHex(bytes)),
    add: (bytes: Uint8Array) => {
      if (seen.size >= size) seen.clear()
      seen.add(bytesToHex(bytes))
    },
  }
}

export type VerifiedMessages = ReturnType<typeof verifiedMessages>

/**
 * The gossip verdict on one consensus message (pure: nothing changes): a bad encoding, another chain, an
 * unknown validator, a non-proposer's proposal, a bad signature or a height more than
 * `FAR_FUTURE_HEIGHTS` ahead is `reject` (the sender's score pays); an old height or one beyond the next is
 * `ignore`; the current and the next height are `accept`. `ahead` is the height of a verified message later
 * than the current one (its sender's validator has decided the heights before it).
 */
export function consensusVerdict(
  bytes: Uint8Array,
  expect: ConsensusMessage['kind'],
  ctx: { chainId: number; height: number; schedule: ValidatorSchedule },
  verified?: VerifiedMessages,
): { result: ValidationResult; message?: ConsensusMessage; reason?: string; ahead?: number } {
  let msg: ConsensusMessage
  try {
    msg = decodeConsensusMessage(bytes)
  } catch (err) {
    return { result: 'reject', reason: errorLine(err) }
  }
  if (msg.kind !== expect) return { result: 'reject', reason: `a ${msg.kind} where a ${expect} belongs` }
  const height = msg.kind === 'vote' ? msg.vote.height : msg.proposal.height
  if (height < ctx.height) return { result: 'ignore', reason: `old height ${height}` }
  // From the first height a governance call at the current height could still change, the set is not
  // known here yet: a lagging node must not blame a new validator's honest vote on an old set.
  if (
    height > ctx.height + 1 &&
    height <= ctx.height + FAR_FUTURE_HEIGHTS &&
    height >= ctx.schedule.effectiveHeight(ctx.height)
  )
    return { result: 'ignore', reason: `height ${height}: its validator set is not known yet` }
  // the same signed bytes passed at a height no later than this one: the same set, nearer the window
  if (!verified?.has(bytes)) {
    try {
      validateConsensusMessage(bytes, { ...ctx, heightWindow: FAR_FUTURE_HEIGHTS })
    } catch (err) {
      return { result: 'reject', reason: errorLine(err) }
    }
    verified?.add(bytes)
  }
  if (height > ctx.height + 1) return { result: 'ignore', reason: `height ${height} not yet`, ahead: height }
  return { result: 'accept', message: msg, ...(height > ctx.height ? { ahead: height } : {}) }
}

/**
 * Joins the driver to libp2p: validators on `/rollup-mesh/1/mainnet/consensus` (votes) and `…/proposals`
 * (a proposal with its block; the header must hash to the proposed value), accepted messages handed to the
 * driver, and the driver's own messages published with a fresh re-broadcast `seq` each time.
 */
export function wireConsensusGossip(
  p2p: P2P,
  parts: { driver: ConsensusDriver; chainId: number; schedule: ValidatorSchedule; logger: Logger },
): { network: ConsensusNetwork; close: () => void } {
  const { driver, chainId, schedule } = parts
  const log = parts.logger.child({ module: 'consensus-gossip' })
  const ctx = () => ({ chainId, height: driver.status().height, schedule })
  const verified = verifiedMessages()
  const verdict = (m: GossipMessage): ValidationResult => {
    if (m.kind === 'consensus') {
      const v = consensusVerdict(m.envelope.message, 'vote', ctx(), verified)
      if (v.result === 'reject') log.debug({ from: m.from, reason: v.reason }, 'consensus message rejected')
      if (v.ahead !== undefined) driver.onAhead(v.ahead, m.from)
      return v.result
    }
    if (m.kind === 'proposals') {
      const v = consensusVerdict(m.envelope.proposal, 'proposal', ctx(), verified)
      if (v.result === 'accept' && v.message?.kind === 'proposal')
        if (keccak256(bytesToHex(m.envelope.header)) !== v.message.proposal.value) {
          log.debug({ from: m.from }, 'proposal header does not hash to the proposed value')
          return 'reject'
        }
      if (v.ahead !== undefined) driver.onAhead(v.ahead, m.from)
      return v.result
    }
    return 'ignore'
  }
  p2p.setValidator(MAINNET_NETWORK, 'consensus', verdict)
  p2p.setValidator(MAINNET_NETWORK, 'proposals', verdict)
  const off = p2p.on('message', (m) => {
    if (m.network !== MAINNET_NETWORK) return
    if (m.kind === 'consensus') {
      const msg = decodeConsensusMessage(m.envelope.message)
      if (msg.kind === 'vote') driver.onVote(msg.vote)
    } else if (m.kind === 'proposals') {
      const msg = decodeConsensusMessage(m.envelope.proposal)
      if (msg.kind === 'proposal') driver.onProposal(msg.proposal, m.envelope.header, m.envelope.txs)
    }
  })
  // Distinct per process start and per message, so a re-broadcast is a new gossip message.
  let seq = BigInt(Date.now()) * 1_000n
  const sent = (what: string) => (err: unknown) => log.debug({ err, what }, 'consensus message not published')
  return {
    network: {
      publishVote: (bytes) => {
        if (p2p.isStarted())
          p2p.publishConsensus(MAINNET_NETWORK, { message: bytes, seq: seq++ }).catch(sent('vote'))
      },
      publishProposal: (proposal, header, txs) => {
        if (p2p.isStarted())
          p2p.publishProposal(MAINNET_NETWORK, { proposal, header, txs, seq: seq++ }).catch(sent('proposal'))
      },
    },
    close: () => {
      off()
      p2p.setValidator(MAINNET_NETWORK, 'consensus', undefined)
      p2p.setValidator(MAINNET_NETWORK, 'proposals', undefined)
    },
  }
}
