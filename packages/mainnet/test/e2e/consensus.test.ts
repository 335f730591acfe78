import '@rollup-mesh/core/polyfill'
import {
  blsKeyPairFromSeed,
  decodeCommitCertificate,
  encodeVote,
  signVote,
  ValidatorSchedule,
  verifyCommitCertificate,
} from '@rollup-mesh/consensus'
import { MAINNET_NETWORK } from '@rollup-mesh/core'
import { createP2P, encodeConsensusEnvelope, type P2P } from '@rollup-mesh/p2p'
import { type Hex, hexToBytes } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import { blsSeedOf, validatorSetOfConfig } from '../../src/consensus/validatorKeys.js'
import { createMainnetNode, type MainnetNode } from '../../src/node.js'
import { tempDir } from '../fixtures.js'
import { rpc, validatorCluster, waitFor } from './validatorCluster.js'

const CHAIN_ID = 900
const cluster = validatorCluster({ prefix: 'bft' })
const { keys, genesis: validators, nodes } = cluster
const set = validatorSetOfConfig(validators)
afterAll(() => cluster.close())

const head = (n: MainnetNode) => n.chain.head().number

function verifyCertificate(n: MainnetNode, number: bigint): number {
  const stored = n.chain.certificates.get(number)
  expect(stored, `certificate of block ${number}`).toBeDefined()
  const cert = decodeCommitCertificate(stored!.certificate)
  const hash = n.chain.store.getHeaderByNumber(number)!.hash
  return verifyCommitCertificate(cert, set, { chainId: CHAIN_ID, height: Number(number), blockHash: hash })
}

describe('BFT main net: 4 validators in one process', () => {
  it('finalize 20+ heights with identical hashes and >2/3 certificates; a late validator catches up by commit sync; 3 keep going; 2 of 4 stop', async () => {
    const started = await cluster.startAll(3)
    // Three of four are a quorum: they finalize without the fourth.
    await waitFor('5 heights on 3 validators', () => started.every((n) => head(n) >= 5n), 120_000)
    // The fourth starts behind: it never saw those heights' messages and must fetch them (commit sync).
    started.push(await cluster.start(3))
    await waitFor('20 finalized heights on every node', () => started.every((n) => head(n) >= 20n), 240_000)
    const upto = 20n
    for (let b = 1n; b <= upto; b++) {
      const hashes = new Set(started.map((n) => n.chain.store.getHeaderByNumber(b)?.hash))
      expect(hashes.size, `block ${b} has one hash`).toBe(1)
      for (const n of started) {
        const power = verifyCertificate(n, b)
        expect(3 * power).toBeGreaterThan(2 * set.totalPower)
      }
      // extraData = validatorsHash ‖ nextValidatorsHash
      expect(started[0]!.chain.store.getHeaderByNumber(b)?.extraData).toBe(`${set.hash}${set.hash.slice(2)}`)
    }
    // RPC: the seam's methods
    const served = 1
    const call = async (method: string, params: unknown[] = []) =>
      (await rpc(started[served]!, method, params)) as Record<string, unknown>
    const commit = await call('mesh_getCommit', ['0x5'])
    expect(commit.number).toBe('0x5')
    expect(commit.hash).toBe(started[0]!.chain.store.getHeaderByNumber(5n)?.hash)
    expect((commit.signers as string[]).length).toBeGreaterThanOrEqual(3)
    const cert = decodeCommitCertificate(hexToBytes(commit.certificate as Hex))
    verifyCommitCertificate(cert, set, { chainId: CHAIN_ID, height: 5, blockHash: commit.hash as Hex })
    const vals = await call('mesh_getValidators', ['latest'])
    expect(vals.validatorsHash).toBe(set.hash)
    expect((vals.validators as unknown[]).length).toBe(4)
    const status = await call('mesh_consensusStatus')
    expect(status.validator).toBe(validators[served]!.address)
    expect(await call('mesh_getEvidence')).toEqual([])

    // One validator stops: the other three keep finalizing.
    await started[3]!.stop()
    const live = started.slice(0, 3)
    const at = head(live[0]!)
    await waitFor(
      '3 validators finalize 3 more heights',
      () => live.every((n) => head(n) >= at + 3n),
      120_000,
    )
    for (const n of live) verifyCertificate(n, at + 3n)

    // Two of four stopped: nothing is finalized.
    await live[2]!.stop()
    const two = live.slice(0, 2)
    // a decision already under way may land; after that the heads stay put
    await new Promise((r) => setTimeout(r, 3_000))
    const stuck = two.map(head)
    await new Promise((r) => setTimeout(r, 8_000))
    expect(two.map(head)).toEqual(stuck)
    expect(two[0]!.chain.store.getHeaderByNumber(stuck[0]!)?.hash).toBe(
      two[1]!.chain.store.getHeaderByNumber(stuck[0]!)?.hash,
    )
  }, 420_000)
})

describe('BFT main net: malformed consensus gossip', () => {
  it('is rejected, changes nothing and costs the sender score', async () => {
    const node = nodes[0]!
    const before = head(node)
    const attacker: P2P = await createP2P({
      subscriptions: [{ network: MAINNET_NETWORK, kinds: ['consensus'] }],
    })
    await attacker.start()
    try {
      await attacker.dial(node.p2p!.getMultiaddrs()[0]!)
      await waitFor(
        'the node to subscribe',
        () => attacker.getSubscribers(MAINNET_NETWORK, 'consensus').includes(node.p2p!.peerId),
        30_000,
      )
      const schedule = new ValidatorSchedule(set, { firstHeight: 1, epochLength: 100 })
      const sk = (i: number) => blsKeyPairFromSeed(hexToBytes(blsSeedOf(keys[i] as Hex))).secretKey
      const current = Number(node.chain.head().number) + 1
      const voteBytes = (height: number, validator: number, signer: number) =>
        encodeVote(
          signVote(
            { type: 'prevote', height, round: 0, value: `0x${'cd'.repeat(32)}`, validator },
            sk(signer),
            CHAIN_ID,
            schedule.setAt(height),
          ),
          CHAIN_ID,
        )
      let seq = 1n
      const envelope = (message: Uint8Array) => encodeConsensusEnvelope({ message, seq: seq++ })
      const bad: Uint8Array[] = [
        new Uint8Array([0xde, 0xad, 0xbe, 0xef]), // not an envelope
        envelope(new Uint8Array([1, 2, 3])), // not a vote
        envelope(voteBytes(current, 2, 3)), // validator 2's vote signed by 3's key: bad signature
        envelope(voteBytes(current + 1_000, 1, 1)), // far-future height
      ]
      const peer = attacker.peerId
      // Republish distinct bad messages until the node has marked the sender down.
      await waitFor(
        'the attacker to lose score',
        () => {
          for (const b of bad)
            void attacker.publishRaw(MAINNET_NETWORK, 'consensus', b).catch(() => undefined)
          bad.splice(
            1,
            3,
            envelope(new Uint8Array([9])),
            envelope(voteBytes(current, 2, 3)),
            envelope(voteBytes(current + 500, 1, 1)),
          )
          return node.p2p!.getScore(peer) < 0 || node.p2p!.isBanned(peer)
        },
        60_000,
      )
      expect(node.p2p!.getScore(peer) < 0 || node.p2p!.isBanned(peer)).toBe(true)
      expect(node.services.consensus.evidence.all()).toEqual([])
      expect(node.chain.store.getHeaderByNumber(before)?.hash).toBe(
        nodes[1]!.chain.store.getHeaderByNumber(before)?.hash,
      )
    } finally {
      await attacker.stop()
    }
  }, 120_000)
})

describe('BFT main net: one validator (no consensus config)', () => {
  it('commits blocks with 1-signer certificates', async () => {
    const dataDir = tempDir('mainnet-single-')
    const node = cluster.adopt(
      createMainnetNode({ config: { dataDir, p2p: { enabled: false }, blockTimeMs: 200 } }),
      dataDir,
    )
    await node.start()
    await waitFor('3 blocks', () => head(node) >= 3n, 60_000)
    const single = node.services.consensus.validators.set
    for (let b = 1n; b <= 3n; b++) {
      const cert = decodeCommitCertificate(node.chain.certificates.get(b)!.certificate)
      const hash = node.chain.store.getHeaderByNumber(b)!.hash
      expect(
        verifyCommitCertificate(cert, single, { chainId: 900, height: Number(b), blockHash: hash }),
      ).toBe(1)
    }
    expect(node.services.consensus.driver.lastCommit()?.signers).toEqual([node.validator])
    await node.stop()
    // Restarted on its data dir: the guard is read back and blocks keep coming, certificates and all.
    const again = cluster.adopt(
      createMainnetNode({ config: { dataDir, p2p: { enabled: false }, blockTimeMs: 200 } }),
    )
    await again.start()
    const from = head(again)
    await waitFor('2 more blocks after the restart', () => head(again) >= from + 2n, 60_000)
    const cert = decodeCommitCertificate(again.chain.certificates.get(from + 2n)!.certificate)
    expect(cert.height).toBe(Number(from + 2n))
    await again.stop()
  }, 120_000)
})
