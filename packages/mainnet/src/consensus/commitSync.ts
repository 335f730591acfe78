import { type Chain, hashHeader } from '@rollup-mesh/chain'
import {
  decodeCommitCertificate,
  type ValidatorSchedule,
  verifyCommitCertificate,
} from '@rollup-mesh/consensus'
import { type Logger, MAINNET_NETWORK } from '@rollup-mesh/core'
import type { CommittedBlock, P2P, SyncProvider } from '@rollup-mesh/p2p'
import { decodeBlockHeader, decodeBlockTx, encodeBlockHeader } from './blockBody.js'
import { InvalidCommittedBlockError } from './errors.js'

/** Most committed blocks asked of a peer at once. */
export const BATCH = 32

/** How many peers one commit-sync request goes to at once. */
const FANOUT = 3

/**
 * What this node serves to a lagging validator: its finalized blocks from `from` with their full headers,
 * raw transactions and commit certificates (`/rollup-mesh/1/sync/commits_by_range`).
 *
 * @example
 * ```ts
 * const provider = { ...gossip.syncProvider, getCommits: committedBlocks(chain).getCommits }
 * ```
 */
export function committedBlocks(chain: Chain): Required<Pick<SyncProvider, 'getCommits'>> {
  return {
    getCommits: (network, from, count) => {
      const out: CommittedBlock[] = []
      if (network !== MAINNET_NETWORK) return out
      for (let n = from; n < from + BigInt(count); n++) {
        const header = chain.store.getHeaderByNumber(n)
        const cert = chain.certificates.get(n)
        if (!header || !cert) break
        out.push({
          number: n,
          header: encodeBlockHeader(header),
          txs: chain.store.getBlockTxs(n).map((t) => t.raw),
          certificate: cert.certificate,
        })
      }
      return out
    },
  }
}

/** Checks one served block against the chain (next number, certificate of its hash) and commits it. */
async function applyCommitted(chain: Chain, chainId: number, schedule: ValidatorSchedule, b: CommittedBlock) {
  const next = chain.head().number + 1n
  if (b.number !== next) throw new InvalidCommittedBlockError(b.number, `expected block ${next}`)
  const header = decodeBlockHeader(b.header)
  if (header.number !== b.number)
    throw new InvalidCommittedBlockError(b.number, `header says ${header.number}`)
  const hash = hashHeader(header)
  const cert = decodeCommitCertificate(b.certificate)
  verifyCommitCertificate(cert, schedule.setAt(Number(b.number)), {
    chainId,
    height: Number(b.number),
    blockHash: hash,
  })
  const txs = await Promise.all(b.txs.map((raw) => decodeBlockTx(raw, chain.chainId)))
  // Re-executed: a certified block whose execution differs here is a local fault, never committed blindly.
  const candidate = await chain.executeBlock({ header, txs })
  chain.commitCandidate(candidate, { certificate: b.certificate })
}

/** What one peer answered to a commit-sync request. */
export type CommitAnswer = { peer: string; blocks: CommittedBlock[] }

/**
 * Where the consensus driver's commit sync gets finalized blocks (`fetch`, network only: the driver calls
 * it outside its queue, so a silent peer never holds back vote processing) and how it commits one (`apply`:
 * certificate checked against the set of its height, block re-executed, committed; the driver calls it
 * inside its queue, one block per step).
 */
export type CommitSource = {
  fetch(from: bigint, hints: readonly string[]): Promise<CommitAnswer | null>
  apply(block: CommittedBlock): Promise<void>
}

/** Asks `peers` at once; the first non-empty answer wins (null when every one failed or had nothing). */
function firstAnswer(
  peers: readonly string[],
  ask: (peer: string) => Promise<CommittedBlock[]>,
): Promise<CommitAnswer | null> {
  return new Promise((resolve) => {
    let left = peers.length
    if (left === 0) resolve(null)
    for (const peer of peers)
      ask(peer).then(
        (blocks) => {
          if (blocks.length > 0) resolve({ peer, blocks })
          else if (--left === 0) resolve(null)
        },
        () => {
          if (--left === 0) resolve(null)
        },
      )
  })
}

/**
 * A lagging validator's source of finalized blocks over `/rollup-mesh/1/sync/commits_by_range`: `fetch`
 * asks the hinted peers (those whose gossip showed a later height) at once, then the other connected
 * peers `FANOUT` at a time, each with `timeoutMs`; the first non-empty answer is returned. `apply` verifies
 * a block's certificate against the validator set of its height, re-executes it and commits it.
 *
 * @example
 * ```ts
 * const source = commitSyncSource({ chain, chainId: 900, schedule, p2p: () => net, logger })
 * const answer = await source.fetch(chain.head().number + 1n, [])
 * if (answer) for (const b of answer.blocks) await source.apply(b)
 * ```
 */
export function commitSyncSource(parts: {
  chain: Chain
  chainId: number
  schedule: ValidatorSchedule
  p2p: () => P2P | undefined
  logger: Logger
  timeoutMs?: number
}): CommitSource {
  const { chain, chainId, schedule } = parts
  return {
    async fetch(from, hints) {
      const net = parts.p2p()
      if (!net?.isStarted()) return null
      const peers = net.getPeers()
      const first = hints.filter((h) => peers.includes(h)).slice(0, FANOUT)
      const rest = peers.filter((p) => !first.includes(p))
      const groups = [first]
      for (let i = 0; i < rest.length; i += FANOUT) groups.push(rest.slice(i, i + FANOUT))
      const ask = (peer: string) =>
        net.requestCommits(peer, MAINNET_NETWORK, from, BATCH, { timeoutMs: parts.timeoutMs ?? 5_000 })
      for (const group of groups) {
        const answer = await firstAnswer(group, ask)
        if (answer) return answer
      }
      return null
    },
    apply: (block) => applyCommitted(chain, chainId, schedule, block),
  }
}
