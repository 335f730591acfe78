import { Chain, ChainStore } from '@rollup-mesh/chain'
import {
  blsKeyPairFromSeed,
  createMemorySigningGuard,
  decodeConsensusMessage,
  ValidatorSchedule,
} from '@rollup-mesh/consensus'
import { createSilentLogger, devAccounts } from '@rollup-mesh/core'
import { createSerialExecutor, genesisWriteSet } from '@rollup-mesh/dual-vm'
import type { CommittedBlock, P2P } from '@rollup-mesh/p2p'
import { type Address, hexToBytes } from 'viem'
import { afterEach, describe, expect, it } from 'vitest'
import { type CommitSource, commitSyncSource, committedBlocks } from '../../src/consensus/commitSync.js'
import { type ConsensusDriver, createConsensusDriver } from '../../src/consensus/consensusDriver.js'
import { EvidenceStore } from '../../src/consensus/evidenceStore.js'
import { blsSeedOf, genesisValidatorOf, validatorSetOfConfig } from '../../src/consensus/validatorKeys.js'

/**
 * Four consensus drivers on in-memory chains joined by an in-process network (messages delivered on the
 * next turn of the event loop, dropped to and from a validator marked `cut`). Commit sync is each test's
 * to give: a source whose peer never answers must not hold back anyone's votes.
 */
const CHAIN_ID = 900
const keys = devAccounts(4).map((a) => a.privateKey)
const genesis = keys.map((k) => genesisValidatorOf(k))
const set = validatorSetOfConfig(genesis)
const TIMEOUTS = {
  propose: { baseMs: 1_500, perRoundMs: 500 },
  prevote: { baseMs: 600, perRoundMs: 300 },
  precommit: { baseMs: 600, perRoundMs: 300 },
}

type Member = { chain: Chain; driver: ConsensusDriver; cut: boolean }
const running: Member[] = []

afterEach(async () => {
  for (const m of running.splice(0)) await m.driver.stop()
})

async function openChain(i: number): Promise<Chain> {
  const store = new ChainStore({ path: ':memory:' })
  const chain = new Chain(
    { chainId: BigInt(CHAIN_ID), blockGasLimit: 30_000_000n, coinbase: genesis[i]!.address as Address },
    { store, executor: createSerialExecutor() },
  )
  const { writeSet, stateRoot } = genesisWriteSet({})
  await chain.open({ writeSet, stateRoot, timestamp: 1_700_000_000n })
  return chain
}

/** Four validators; `catchUp(i, chain, members)` is validator i's commit-sync source. */
async function cluster(
  catchUp: (i: number, chain: Chain, members: Member[]) => CommitSource,
  opts: { catchUpAfterMs: number },
): Promise<Member[]> {
  const members: Member[] = []
  const deliver = (from: number, fn: (m: Member) => void) =>
    setImmediate(() => {
      if (members[from]?.cut) return
      for (const [j, m] of members.entries()) if (j !== from && !m.cut) fn(m)
    })
  for (let i = 0; i < 4; i++) {
    const chain = await openChain(i)
    const bls = blsKeyPairFromSeed(hexToBytes(blsSeedOf(keys[i]!)))
    const driver = createConsensusDriver({
      chain,
      chainId: CHAIN_ID,
      schedule: new ValidatorSchedule(set, { firstHeight: 1 }),
      self: { index: i, address: genesis[i]!.address, ...bls },
      guard: createMemorySigningGuard(),
      timeouts: TIMEOUTS,
      blockTimeMs: 200,
      network: () => ({
        publishVote: (bytes) =>
          deliver(i, (m) => {
            const msg = decodeConsensusMessage(bytes)
            if (msg.kind !== 'vote') return
            if (msg.vote.height > m.driver.status().height) m.driver.onAhead(msg.vote.height, `peer${i}`)
            m.driver.onVote(msg.vote)
          }),
        publishProposal: (bytes, header, txs) =>
          deliver(i, (m) => {
            const msg = decodeConsensusMessage(bytes)
            if (msg.kind === 'proposal') m.driver.onProposal(msg.proposal, header, txs)
          }),
      }),
      catchUp: catchUp(i, chain, members),
      catchUpAfterMs: opts.catchUpAfterMs,
      catchUpGraceMs: 300,
      evidence: new EvidenceStore(chain.store),
      logger: createSilentLogger(),
    })
    members.push({ chain, driver, cut: false })
  }
  running.push(...members)
  for (const m of members) await m.driver.start()
  return members
}

async function until(what: string, cond: () => boolean, timeoutMs = 12_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const heights = (members: Member[]) => members.map((m) => Number(m.chain.head().number))

/** A fake P2P: `peers` answer commit-sync requests from `serve` (undefined: never answers). */
function fakeP2P(peers: Record<string, (() => Chain) | undefined>, asked: string[]): P2P {
  return {
    isStarted: () => true,
    getPeers: () => Object.keys(peers),
    requestCommits: (peer: string, network: string, from: bigint, count: number) => {
      asked.push(peer)
      const serve = peers[peer]
      if (!serve) return new Promise<CommittedBlock[]>(() => undefined)
      return Promise.resolve(committedBlocks(serve()).getCommits(network, from, count) as CommittedBlock[])
    },
  } as unknown as P2P
}

describe('consensus driver: commit sync beside the vote queue', () => {
  it('a commit-sync peer that never answers does not stop any validator from deciding', async () => {
    const fetches: number[] = [0, 0, 0, 0]
    // every validator's commit sync is tried at every tick and hangs forever
    const members = await cluster(
      (i) => ({
        fetch: () => {
          fetches[i]!++
          return new Promise(() => undefined)
        },
        apply: async () => undefined,
      }),
      { catchUpAfterMs: 0 },
    )
    await until('every validator at height 4', () => heights(members).every((h) => h >= 4))
    expect(fetches.every((n) => n >= 1)).toBe(true) // the silent sync was really started
    const hashes = members.map((m) => m.chain.store.getHeaderByNumber(4n)?.hash)
    expect(new Set(hashes).size).toBe(1)
  }, 20_000)

  it('a cut-off validator catches up from the peer that answers, beside one that never does', async () => {
    const asked: string[] = []
    const members = await cluster(
      (i, chain, all) =>
        i === 3
          ? commitSyncSource({
              chain,
              chainId: CHAIN_ID,
              schedule: new ValidatorSchedule(set, { firstHeight: 1 }),
              p2p: () => fakeP2P({ silent: undefined, peer0: () => all[0]!.chain }, asked),
              logger: createSilentLogger(),
            })
          : { fetch: async () => null, apply: async () => undefined },
      { catchUpAfterMs: 60_000 },
    )
    members[3]!.cut = true
    await until('the other three at height 3', () => heights(members.slice(0, 3)).every((h) => h >= 3))
    expect(members[3]!.chain.head().number).toBe(0n)
    members[3]!.cut = false
    const target = Math.max(...heights(members.slice(0, 3))) + 1
    await until(`validator 3 at height ${target}`, () => heights(members)[3]! >= target)
    expect(members[3]!.driver.syncedBlocks()).toBeGreaterThanOrEqual(3)
    expect(asked).toContain('peer0')
    for (let n = 1n; n <= BigInt(target); n++)
      expect(members[3]!.chain.store.getHeaderByNumber(n)?.hash).toBe(
        members[0]!.chain.store.getHeaderByNumber(n)?.hash,
      )
    expect(members[3]!.chain.certificates.get(1n)).toBeDefined()
  }, 25_000)
})
