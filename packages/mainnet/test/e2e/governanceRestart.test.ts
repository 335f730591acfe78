import '@rollup-mesh/core/polyfill'
import { rmSync } from 'node:fs'
import { decodeCommitCertificate, verifyCommitCertificate } from '@rollup-mesh/consensus'
import { devAccounts } from '@rollup-mesh/core'
import {
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type PublicClient,
  slice,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, describe, expect, it } from 'vitest'
import { CONSENSUS_ADDRESSES } from '../../src/consensus/consensusAddresses.js'
import { blsSeedOf, genesisValidatorOf, validatorSetOfConfig } from '../../src/consensus/validatorKeys.js'
import { validatorGovernanceAbi } from '../../src/contracts.generated.js'
import { createMainnetNode, type MainnetNode } from '../../src/node.js'
import { tempDir } from '../fixtures.js'
import { waitFor } from './validatorCluster.js'

const EPOCH = 3
const key = devAccounts(1)[0]!.privateKey as Hex
const GOV = CONSENSUS_ADDRESSES.validatorGovernance as Address
const dirs: string[] = []
const nodes: MainnetNode[] = []
afterAll(async () => {
  for (const n of nodes) await n.stop().catch(() => undefined)
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const config = (dataDir: string) => ({
  dataDir,
  validatorKey: key,
  blockTimeMs: 200,
  p2p: { enabled: false },
  consensus: { validators: [genesisValidatorOf(key)], blsSeed: blsSeedOf(key), epochLength: EPOCH },
})

describe('validator-set change by governance, then a restart (one validator)', () => {
  it('setPower takes effect at the boundary; a restarted node replays it and keeps signing with the new set', async () => {
    const dataDir = tempDir('mainnet-gov-restart-')
    dirs.push(dataDir)
    const self = genesisValidatorOf(key)
    const node = createMainnetNode({ config: config(dataDir) })
    nodes.push(node)
    await node.start()
    const chain = defineChain({
      id: 900,
      name: 'mainnet',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [node.rpcUrl] } },
    })
    const pub = createPublicClient({
      chain,
      transport: http(node.rpcUrl),
      pollingInterval: 100,
    }) as PublicClient
    const wallet = createWalletClient({
      account: privateKeyToAccount(key),
      chain,
      transport: http(node.rpcUrl),
    })
    // Removing the only validator and re-adding a member revert with their reasons.
    await expect(
      pub.simulateContract({
        account: self.address,
        address: GOV,
        abi: validatorGovernanceAbi,
        functionName: 'removeValidator',
        args: [self.address],
      }),
    ).rejects.toThrow(/cannot remove the last validator/)
    await expect(
      pub.simulateContract({
        account: self.address,
        address: GOV,
        abi: validatorGovernanceAbi,
        functionName: 'addValidator',
        args: [self.address, self.blsPublicKey, self.proofOfPossession, 1n],
      }),
    ).rejects.toThrow(/validator is already in the set/)

    const hash = await wallet.writeContract({
      address: GOV,
      abi: validatorGovernanceAbi,
      functionName: 'setPower',
      args: [self.address, 5n],
    })
    const receipt = await pub.waitForTransactionReceipt({ hash, timeout: 60_000 })
    expect(receipt.status).toBe('success')
    const at = 1 + (Math.floor((Number(receipt.blockNumber) - 1) / EPOCH) + 2) * EPOCH
    const genesisSet = validatorSetOfConfig([self])
    const powered = validatorSetOfConfig([{ ...self, power: 5 }])
    await waitFor('the boundary', () => node.chain.head().number >= BigInt(at), 60_000)
    const before = node.chain.store.getHeaderByNumber(BigInt(at - 1))!
    expect(slice(before.extraData, 32, 64)).toBe(powered.hash)
    expect(slice(before.extraData, 0, 32)).toBe(genesisSet.hash)
    await node.stop()

    // Restarted on its data dir: the change is replayed from the store before the first height.
    const again = createMainnetNode({ config: config(dataDir) })
    nodes.push(again)
    await again.start()
    const from = again.chain.head().number
    await waitFor('2 more blocks after the restart', () => again.chain.head().number >= from + 2n, 60_000)
    for (const n of [BigInt(at), from + 1n, from + 2n]) {
      const header = again.chain.store.getHeaderByNumber(n)!
      expect(slice(header.extraData, 0, 32), `block ${n}`).toBe(powered.hash)
      const cert = decodeCommitCertificate(again.chain.certificates.get(n)!.certificate)
      expect(
        verifyCommitCertificate(cert, powered, { chainId: 900, height: Number(n), blockHash: header.hash }),
      ).toBe(5)
    }
    const served = (await (
      await fetch(again.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'mesh_getValidators',
          params: [{ blockNumber: '0x1' }],
        }),
      })
    ).json()) as { result: { validators: { power: number }[]; validatorsHash: Hex } }
    expect(served.result.validatorsHash).toBe(genesisSet.hash)
    expect(served.result.validators[0]!.power).toBe(1)
  }, 180_000)
})
