import {
  type BlockCandidate,
  type BlockStartHook,
  type Chain,
  depositTx,
  type SignedTx,
} from '@rollup-mesh/chain'
import {
  type DuplicateVoteEvidence,
  decodeDuplicateVoteEvidence,
  encodeDuplicateVoteEvidence,
  type ValidatorSchedule,
  verifyDuplicateVoteEvidence,
} from '@rollup-mesh/consensus'
import type { BaseError } from '@rollup-mesh/core'
import {
  type Address,
  bytesToHex,
  decodeEventLog,
  decodeFunctionData,
  encodeFunctionData,
  type Hex,
  hexToBytes,
  keccak256,
} from 'viem'
import { evidenceRegistryAbi } from '../contracts.generated.js'
import { CONSENSUS_ADDRESSES } from './consensusAddresses.js'
import { InvalidBlockEvidenceError } from './errors.js'
import type { EvidenceStore } from './evidenceStore.js'

/** Most pieces of evidence one block includes. */
export const MAX_EVIDENCE_PER_BLOCK = 8
/** Gas of one evidence system transaction (the registry's submit uses ~60k). */
export const EVIDENCE_TX_GAS = 300_000n

const VOTE_TYPE = { prevote: 1, precommit: 2 } as const
const REGISTRY = CONSENSUS_ADDRESSES.evidenceRegistry
const SUBMITTER = CONSENSUS_ADDRESSES.evidenceSubmitter

/** What checking and including evidence needs. */
export type EvidenceParts = { schedule: ValidatorSchedule; chainId: number; evidence: EvidenceStore }

/**
 * The system transaction including `evidence` in a block: a deposit (no key, no fee) from the evidence
 * submitter calling `EvidenceRegistry.submit(validator, height, round, voteType, evidence)`; its source
 * hash is keccak256 of the encoded evidence, so one piece is one transaction hash.
 */
export function evidenceTx(evidence: DuplicateVoteEvidence, validator: Address, chainId: number): SignedTx {
  const bytes = encodeDuplicateVoteEvidence(evidence, chainId)
  const a = evidence.voteA
  return depositTx({
    sourceHash: keccak256(bytes),
    from: SUBMITTER,
    to: REGISTRY,
    gas: EVIDENCE_TX_GAS,
    data: encodeFunctionData({
      abi: evidenceRegistryAbi,
      functionName: 'submit',
      args: [validator, BigInt(a.height), a.round, VOTE_TYPE[a.type], bytesToHex(bytes)],
    }),
    chainId: BigInt(chainId),
  })
}

/**
 * The proposer's block-start hook: the pending evidence (oldest first, at most `MAX_EVIDENCE_PER_BLOCK`,
 * each from a height below the block's) as evidence system transactions.
 */
export function evidenceBlockStartHook(parts: EvidenceParts): BlockStartHook {
  return ({ number }) =>
    parts.evidence
      .pending(MAX_EVIDENCE_PER_BLOCK)
      .filter((e) => BigInt(e.voteA.height) < number)
      .map((e) => {
        const set = parts.schedule.setAt(e.voteA.height)
        return evidenceTx(e, set.validators[e.voteA.validator]?.address as Address, parts.chainId)
      })
}

/**
 * Every validator's check of a proposed block's system transactions (run on the executed candidate): each
 * deposit must be an evidence transaction (from the submitter to the registry, no value or mint), its
 * evidence must decode and verify (`verifyDuplicateVoteEvidence`: same height/round/type, different
 * values, both signatures, signer in the set at that height), its call arguments must name that offence,
 * it must be from a lower height, not included before nor twice in the block, and it must have succeeded.
 * Throws `InvalidBlockEvidenceError` naming the transaction and the field; the block is then invalid.
 */
export function checkBlockEvidence(parts: EvidenceParts, c: BlockCandidate): DuplicateVoteEvidence[] {
  const number = c.header.number
  const found: DuplicateVoteEvidence[] = []
  const seen = new Set<string>()
  for (const [i, tx] of c.txs.entries()) {
    if (tx.type !== 'deposit') continue
    const fail = (field: string, problem: string) => new InvalidBlockEvidenceError(number, i, field, problem)
    if (tx.from.toLowerCase() !== SUBMITTER) throw fail('from', `must be the evidence submitter ${SUBMITTER}`)
    if (tx.to?.toLowerCase() !== REGISTRY) throw fail('to', `must be the EvidenceRegistry ${REGISTRY}`)
    if (tx.value !== 0n || (tx.mint ?? 0n) !== 0n) throw fail('value', 'must be 0 (no value, no mint)')
    let args: readonly [Address, bigint, number, number, Hex]
    try {
      const call = decodeFunctionData({ abi: evidenceRegistryAbi, data: tx.data })
      if (call.functionName !== 'submit') throw new InvalidBlockEvidenceError(number, i, 'data', 'not submit')
      args = call.args as typeof args
    } catch {
      throw fail('data', 'must be an EvidenceRegistry.submit call')
    }
    const [validator, height, round, voteType, bytes] = args
    let evidence: DuplicateVoteEvidence
    let chainId: number
    try {
      ;({ evidence, chainId } = decodeDuplicateVoteEvidence(hexToBytes(bytes)))
    } catch (err) {
      throw fail('evidence', (err as BaseError).shortMessage ?? 'does not decode')
    }
    if (chainId !== parts.chainId) throw fail('evidence', `names chain ${chainId}, this is ${parts.chainId}`)
    const a = evidence.voteA
    if (a.height < 1 || BigInt(a.height) >= number)
      throw fail(
        'height',
        `evidence height ${a.height} must be 1..${number - 1n} (below the including block)`,
      )
    const set = parts.schedule.setAt(a.height)
    try {
      verifyDuplicateVoteEvidence(evidence, set, parts.chainId)
    } catch (err) {
      const e = err as BaseError
      throw fail('evidence', `${e.code ?? 'EVIDENCE_INVALID'}: ${e.shortMessage ?? e.message}`)
    }
    const address = set.validators[a.validator]?.address.toLowerCase() as Address
    if (validator.toLowerCase() !== address) throw fail('validator', `must be ${address} (the signer)`)
    if (height !== BigInt(a.height)) throw fail('height', `must be the votes' height ${a.height}`)
    if (round !== a.round) throw fail('round', `must be the votes' round ${a.round}`)
    if (voteType !== VOTE_TYPE[a.type]) throw fail('voteType', `must be ${VOTE_TYPE[a.type]} (${a.type})`)
    const key = `${address}:${a.height}:${a.round}:${a.type}`
    if (seen.has(key)) throw fail('evidence', 'the same offence twice in one block')
    seen.add(key)
    const before = parts.evidence.includedIn({
      validator: address,
      height: a.height,
      round: a.round,
      type: a.type,
    })
    if (before !== null) throw fail('evidence', `already included in block ${before}`)
    if (c.receipts[i]?.status !== 1) throw fail('status', 'the evidence transaction reverted')
    found.push(evidence)
  }
  return found
}

/**
 * Records the evidence of a committed block as included there (every node, whoever proposed it): the
 * `EvidenceIncluded` logs of the registry, decoded and stored with `markIncluded`.
 */
export function recordIncludedEvidence(
  parts: EvidenceParts,
  number: bigint,
  logs: readonly { address: Address; topics: readonly Hex[]; data: Hex }[],
): number {
  let n = 0
  for (const log of logs) {
    if (log.address.toLowerCase() !== REGISTRY) continue
    const e = decodeEventLog({
      abi: evidenceRegistryAbi,
      topics: log.topics as [Hex, ...Hex[]],
      data: log.data,
    })
    if (e.eventName !== 'EvidenceIncluded') continue
    const { evidence } = decodeDuplicateVoteEvidence(hexToBytes(e.args.evidence))
    parts.evidence.markIncluded(evidence, parts.schedule.setAt(evidence.voteA.height), number)
    n++
  }
  return n
}

/** A restarted node: the registry's logs of blocks 1..head recorded again (idempotent). */
export function replayIncludedEvidence(parts: EvidenceParts, chain: Chain): void {
  const head = chain.head().number
  if (head < 1n) return
  const logs = chain.store.getLogs({
    fromBlock: 1n,
    toBlock: head,
    addresses: [REGISTRY],
    topics: [],
    limit: Number.MAX_SAFE_INTEGER,
  })
  for (const l of logs) recordIncludedEvidence(parts, l.blockNumber, [l])
}
