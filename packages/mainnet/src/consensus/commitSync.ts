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
const BATCH = 32

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

/**
 * A lagging validator's catch-up: asks connected peers, in turn, for the finalized blocks after its head
 * (with certificates), verifies each certificate against the validator set of its height, re-executes the
 * block and commits it, until a peer has nothing newer. A peer whose answer does not check is left for the
 * next one. Returns how many blocks were committed.
 *
 * @example
 * ```ts
 * const caughtUp = await catchUpFromPeers({ chain, chainId: 900, schedule, p2p, logger })
 * ```
 */
export async function catchUpFromPeers(parts: {
  chain: Chain
  chainId: number
  schedule: ValidatorSchedule
  p2p: P2P
  logger: Logger
}): Promise<number> {
  const { chain, chainId, schedule, p2p, logger } = parts
  let applied = 0
  for (const peer of p2p.getPeers()) {
    for (;;) {
      let blocks: CommittedBlock[]
      try {
        blocks = await p2p.requestCommits(peer, MAINNET_NETWORK, chain.head().number + 1n, BATCH, {
          timeoutMs: 5_000,
        })
      } catch {
        break // not a main-net validator, or nothing newer: the next peer
      }
      if (blocks.length === 0) break
      try {
        for (const b of blocks) {
          await applyCommitted(chain, chainId, schedule, b)
          applied++
        }
      } catch (err) {
        logger.warn({ peer, err: (err as Error).message.split('\n')[0] }, 'commit sync: block refused')
        break
      }
      if (blocks.length < BATCH) break
    }
  }
  if (applied) logger.info({ blocks: applied, head: Number(chain.head().number) }, 'caught up by commit sync')
  return applied
}
