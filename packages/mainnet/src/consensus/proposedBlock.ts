import type { BlockCandidate, Chain } from '@rollup-mesh/chain'
import type { Proposal, ValidatorSchedule } from '@rollup-mesh/consensus'
import type { Logger } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import { decodeBlockHeader, decodeProposedTxs } from './blockBody.js'
import { errorLine } from './errorLine.js'

/**
 * A proposal's block, checked and executed: the header decoded strictly, its coinbase the height's
 * proposer, its timestamp at most `maxTimestampLeadS` + 2 s ahead of this node's clock (2 s of clock skew
 * between validators), the transactions decoded (pool copies reused), then `chain.executeBlock`; the
 * executed block's hash must be the proposal's value and pass `check` (the node's own rules, e.g. the SPN
 * settlement checks). Returns the candidate, or `undefined` after logging why the block was refused: nothing
 * is thrown, a bad proposal never disturbs the driver.
 *
 * @example
 * ```ts
 * const c = await executeProposedBlock({ chain, schedule, proposal, body, maxTimestampLeadS: 2, log })
 * if (c) candidates.set(c.hash, c)
 * ```
 */
export async function executeProposedBlock(input: {
  chain: Chain
  schedule: ValidatorSchedule
  proposal: Proposal
  body: { header: Uint8Array; txs: Hex[] }
  maxTimestampLeadS: number
  log: Logger
  check?: (candidate: BlockCandidate) => void
}): Promise<BlockCandidate | undefined> {
  const { chain, proposal, body, log } = input
  const where = { height: proposal.height, round: proposal.round }
  try {
    const header = decodeBlockHeader(body.header)
    const proposer = input.schedule
      .setAt(proposal.height)
      .validators[proposal.proposer]?.address.toLowerCase()
    const nowS = BigInt(Math.floor(Date.now() / 1000))
    if (header.coinbase !== proposer) {
      log.warn(
        { ...where, coinbase: header.coinbase, proposer },
        'proposed block: coinbase is not the proposer',
      )
      return undefined
    }
    if (header.timestamp > nowS + BigInt(input.maxTimestampLeadS) + 2n) {
      log.warn(
        { ...where, timestamp: Number(header.timestamp) },
        'proposed block: timestamp ahead of the clock',
      )
      return undefined
    }
    const txs = await decodeProposedTxs(body.txs, chain.chainId, (h) => chain.mempool.get(h))
    const candidate = await chain.executeBlock({ header, txs })
    if (candidate.hash !== proposal.value) {
      log.warn({ ...where, executed: candidate.hash, value: proposal.value }, 'proposed block: hash differs')
      return undefined
    }
    input.check?.(candidate)
    return candidate
  } catch (err) {
    log.warn({ ...where, err: errorLine(err) }, 'proposed block invalid')
    return undefined
  }
}
