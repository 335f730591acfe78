import '@rollup-mesh/core/polyfill'
import { decodeDepositTx } from '@rollup-mesh/chain'
import {
  blsKeyPairFromSeed,
  type CertifiedHeader,
  certificateSigners,
  decodeCommitCertificate,
  encodeVote,
  signVote,
  verifyCertificateChain,
} from '@rollup-mesh/consensus'
import { MAINNET_NETWORK } from '@rollup-mesh/core'
import { createP2P, encodeConsensusEnvelope, type P2P } from '@rollup-mesh/p2p'
import { encodeHeader } from '@rollup-mesh/p2p/wire'
import {
  type Address,
  bytesToHex,
  createPublicClient,
  createWalletClient,
  decodeFunctionData,
  defineChain,
  type Hex,
  hexToBytes,
  http,
  keccak256,
  type PublicClient,
  slice,
  toHex,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, describe, expect, it } from 'vitest'
import { genesisValidatorsOf } from '../../src/bundle/chainHeader.js'
import type { BundleValidator, ProofBundle } from '../../src/bundle/types.js'
import { exportBundleCommit, verifyBundleCommit } from '../../src/bundle.js'
import { CONSENSUS_ADDRESSES } from '../../src/consensus/consensusAddresses.js'
import { blsSeedOf, genesisValidatorOf, validatorSetOfConfig } from '../../src/consensus/validatorKeys.js'
import { evidenceRegistryAbi, validatorGovernanceAbi } from '../../src/contracts.generated.js'
import type { MainnetNode } from '../../src/node.js'
import { v1Bundle } from '../bundleCommit.js'
import { rpc, validatorCluster, waitFor } from './validatorCluster.js'

const CHAIN_ID = 900
const EPOCH = 4
const cluster = validatorCluster({ prefix: 'gov', keys: 5, epochLength: EPOCH })
const { keys, genesis } = cluster
const fifth = genesisValidatorOf(keys[4]!)
const genesisSet = validatorSetOfConfig(genesis)
const finalSet = validatorSetOfConfig([genesis[0]!, genesis[1]!, genesis[2]!, fifth])
const GOV = CONSENSUS_ADDRESSES.validatorGovernance as Address
afterAll(() => cluster.close())

const head = (n: MainnetNode) => Number(n.chain.head().number)
/** The first epoch boundary at least one full epoch after `h` (ValidatorSchedule.effectiveHeight). */
const effective = (h: number) => 1 + (Math.floor((h - 1) / EPOCH) + 2) * EPOCH

function clients(url: string) {
  const chain = defineChain({
    id: CHAIN_ID,
    name: 'mainnet',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  })
  const pub = createPublicClient({ chain, transport: http(url), pollingInterval: 200 }) as PublicClient
  const wallet = createWalletClient({ account: privateKeyToAccount(keys[0]!), chain, transport: http(url) })
  return { pub, wallet }
}

describe('BFT main net: validator-set changes by governance, evidence in blocks', () => {
  it('adds a 5th validator (synced from genesis), removes one, certificates chain across both; equivocation is included once', async () => {
    const started = await cluster.startAll()
    await waitFor('2 heights on 4 validators', () => started.every((n) => head(n) >= 2), 120_000)
    const { pub, wallet } = clients(started[0]!.rpcUrl)

    // Only governance may call, and a bad proof of possession reverts with a clear reason.
    const add = (from: Address, pop: Hex) =>
      pub.simulateContract({
        account: from,
        address: GOV,
        abi: validatorGovernanceAbi,
        functionName: 'addValidator',
        args: [fifth.address, fifth.blsPublicKey, pop, 1n],
      })
    await expect(add(genesis[0]!.address, genesis[1]!.proofOfPossession)).rejects.toThrow(
      /proofOfPossession does not verify for blsPublicKey/,
    )
    await expect(add(genesis[1]!.address, fifth.proofOfPossession)).rejects.toThrow(
      /caller is not the governance address/,
    )

    // 1. Governance adds the 5th validator.
    const addHash = await wallet.writeContract({
      address: GOV,
      abi: validatorGovernanceAbi,
      functionName: 'addValidator',
      args: [fifth.address, fifth.blsPublicKey, fifth.proofOfPossession, 1n],
    })
    const added = await pub.waitForTransactionReceipt({ hash: addHash, timeout: 180_000 })
    expect(added.status).toBe('success')
    const effAdd = effective(Number(added.blockNumber))

    // The 5th starts from genesis, follows the chain of sets by commit sync and votes from effAdd on.
    const newcomer = await cluster.start(4)
    const five = [...started, newcomer]
    await waitFor('every node past the boundary', () => five.every((n) => head(n) >= effAdd + 2), 300_000)
    expect(newcomer.services.consensus.validators.schedule.setAt(effAdd).size).toBe(5)
    expect(started[0]!.services.consensus.validators.schedule.setAt(effAdd - 1).size).toBe(4)

    // Validator 3 stops: 4 of 5 are needed, so every new certificate carries the newcomer's vote.
    await started[3]!.stop()
    const live = [started[0]!, started[1]!, started[2]!, newcomer]
    const from = head(started[0]!)
    await waitFor('3 heights without validator 3', () => live.every((n) => head(n) >= from + 3), 240_000)
    for (let h = from + 1; h <= from + 3; h++) {
      const cert = decodeCommitCertificate(started[0]!.chain.certificates.get(BigInt(h))!.certificate)
      expect(certificateSigners(cert), `signers of ${h}`).toContain(4)
    }

    // 2. Governance removes validator 3.
    const remHash = await wallet.writeContract({
      address: GOV,
      abi: validatorGovernanceAbi,
      functionName: 'removeValidator',
      args: [genesis[3]!.address],
    })
    const removed = await pub.waitForTransactionReceipt({ hash: remHash, timeout: 180_000 })
    expect(removed.status).toBe('success')
    const effRem = effective(Number(removed.blockNumber))
    await waitFor(
      'every live node past the second boundary',
      () => live.every((n) => head(n) >= effRem + 1),
      300_000,
    )

    // 3. A Twins instance of validator 1 signs two values at the current height until some node holds evidence.
    const twin: P2P = await createP2P({ subscriptions: [{ network: MAINNET_NETWORK, kinds: ['consensus'] }] })
    await twin.start()
    try {
      for (const n of live) await twin.dial(n.p2p!.getMultiaddrs()[0]!).catch(() => undefined)
      const sk = blsKeyPairFromSeed(hexToBytes(blsSeedOf(keys[1]!))).secretKey
      let seq = BigInt(Date.now()) * 1_000n
      let k = 0
      await waitFor(
        'evidence of the twin',
        () => {
          const s = started[0]!.services.consensus.driver.status()
          const set = started[0]!.services.consensus.validators.schedule.setAt(s.height)
          for (const tag of ['a', 'b']) {
            const value = keccak256(toHex(`twin ${k} ${tag}`))
            const vote = signVote(
              { type: 'prevote', height: s.height, round: s.round, value, validator: 1 },
              sk,
              CHAIN_ID,
              set,
            )
            const bytes = encodeConsensusEnvelope({ message: encodeVote(vote, CHAIN_ID), seq: seq++ })
            void twin.publishRaw(MAINNET_NETWORK, 'consensus', bytes).catch(() => undefined)
          }
          k++
          return live.some((n) => n.services.consensus.evidence.all().length > 0)
        },
        120_000,
      )
    } finally {
      await twin.stop()
    }
    await waitFor(
      'the evidence included in a block on every live node',
      () =>
        live.every((n) => {
          const all = n.services.consensus.evidence.all()
          return all.length > 0 && all.every((e) => e.includedIn !== null)
        }),
      180_000,
    )
    const upto = Math.min(...live.map(head))

    // Every offence is in exactly one block, as one evidence transaction, and mesh_getEvidence names it.
    const inBlocks = new Map<string, number[]>()
    for (let b = 1; b <= upto; b++)
      for (const tx of started[0]!.chain.store.getBlockTxs(BigInt(b))) {
        if (tx.to?.toLowerCase() !== CONSENSUS_ADDRESSES.evidenceRegistry) continue
        const { data } = decodeDepositTx(tx.raw, BigInt(CHAIN_ID))
        const { args } = decodeFunctionData({ abi: evidenceRegistryAbi, data })
        const [validator, height, round, voteType] = args as readonly [Address, bigint, number, number]
        const key = `${validator.toLowerCase()}:${height}:${round}:${voteType === 1 ? 'prevote' : 'precommit'}`
        inBlocks.set(key, [...(inBlocks.get(key) ?? []), b])
      }
    const served = (await rpc(newcomer, 'mesh_getEvidence')) as Array<{
      validator: string
      height: Hex
      round: number
      voteA: { type: string }
      includedIn: Hex
    }>
    expect(served.length).toBeGreaterThan(0)
    for (const e of served) {
      expect(e.validator).toBe(genesis[1]!.address)
      const key = `${e.validator}:${Number(e.height)}:${e.round}:${e.voteA.type}`
      expect(inBlocks.get(key), key).toEqual([Number(e.includedIn)])
    }
    expect(inBlocks.size).toBe(new Set(served.map((e) => `${e.height}:${e.round}:${e.voteA.type}`)).size)

    // Every certificate from genesis verifies offline, following the chain of sets (two changes).
    const links: CertifiedHeader[] = []
    const sets = async (h: number) =>
      (
        (await rpc(newcomer, 'mesh_getValidators', [{ blockNumber: toHex(h) }])) as {
          validators: BundleValidator[]
        }
      ).validators
    for (let b = 1; b <= upto; b++) {
      const header = started[0]!.chain.store.getHeaderByNumber(BigInt(b))!
      expect(newcomer.chain.store.getHeaderByNumber(BigInt(b))?.hash, `block ${b} on the newcomer`).toBe(
        header.hash,
      )
      const validatorsHash = slice(header.extraData, 0, 32)
      const nextValidatorsHash = slice(header.extraData, 32, 64)
      links.push({
        header: { height: b, hash: header.hash, validatorsHash, nextValidatorsHash },
        certificate: decodeCommitCertificate(newcomer.chain.certificates.get(BigInt(b))!.certificate),
        nextValidators:
          nextValidatorsHash !== validatorsHash ? genesisValidatorsOf(await sets(b + 1)) : undefined,
      })
    }
    expect(links.filter((l) => l.nextValidators).map((l) => l.header.height)).toEqual([
      effAdd - 1,
      effRem - 1,
    ])
    expect(verifyCertificateChain(genesisSet, CHAIN_ID, links).hash).toBe(finalSet.hash)
    expect((await sets(effAdd - 1)).length).toBe(4)
    expect((await sets(effAdd)).length).toBe(5)
    expect((await sets(effRem)).map((v) => v.address)).toEqual(finalSet.validators.map((v) => v.address))

    // A bundle's finality evidence for a block after both changes verifies pinned to the genesis set.
    const commit = await exportBundleCommit(clients(newcomer.rpcUrl).pub, BigInt(upto))
    expect(commit.chain.map((l) => Number(l.header.number))).toEqual([effAdd - 1, effRem - 1])
    const signed = await started[0]!.signedHeader(BigInt(upto))
    const b1 = v1Bundle()
    const bundle: ProofBundle = {
      ...b1,
      version: 2,
      acceptance: {
        ...b1.acceptance,
        mainnet: {
          ...b1.acceptance.mainnet,
          chainId: CHAIN_ID,
          signedHeader: bytesToHex(encodeHeader(signed!)),
        },
      },
      commit,
    }
    const checks = verifyBundleCommit(bundle, { trustedHash: genesisSet.hash })
    expect(
      checks.every((c) => c.ok),
      JSON.stringify(checks),
    ).toBe(true)
    expect(checks[0]!.detail).toMatch(/through 2 certified set changes/)
    // A tampered link fails: the new set's power, then a certificate byte.
    const tampered = structuredClone(bundle)
    tampered.commit!.chain[0]!.nextValidators![0]!.power = 9
    expect(verifyBundleCommit(tampered, { trustedHash: genesisSet.hash })[0]).toMatchObject({
      name: 'validator-set',
      ok: false,
    })
    const badCert = structuredClone(bundle)
    const c = hexToBytes(badCert.commit!.chain[1]!.certificate)
    c[c.length - 1]! ^= 1
    badCert.commit!.chain[1]!.certificate = bytesToHex(c)
    const failed = verifyBundleCommit(badCert, { trustedHash: genesisSet.hash })[0]!
    expect(failed).toMatchObject({ name: 'validator-set', ok: false })
  }, 900_000)
})
