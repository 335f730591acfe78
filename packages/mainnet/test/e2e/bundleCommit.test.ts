import { join } from 'node:path'
import {
  decodeCommitCertificate,
  validatorSetFromGenesis,
  verifyCommitCertificate,
} from '@rollup-mesh/consensus'
import { createPublicClient, hexToBytes, http, type PublicClient } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleHeaderHash, genesisValidatorsOf } from '../../src/bundle/chainHeader.js'
import { exportBundleCommit } from '../../src/bundle.js'
import { tempDir } from '../fixtures.js'
import { type RunningMainnet, startMainnet, stopMainnet } from './helpers.js'

const CHAIN_ID = 900

/** A real main-net process: the bundle's commit evidence comes from its RPC (mesh_getCommit, mesh_getValidators). */
describe('exportBundleCommit against a real main-net node', () => {
  let node: RunningMainnet | undefined
  let client: PublicClient

  beforeAll(async () => {
    node = await startMainnet({
      dataDir: join(tempDir('bundle-commit-'), 'mainnet'),
      chainId: CHAIN_ID,
      blockTimeMs: 200,
    })
    client = createPublicClient({ transport: http(node.url), pollingInterval: 100 }) as PublicClient
  }, 60_000)

  afterAll(async () => {
    await stopMainnet(node)
  })

  it('exports a verifiable commit of a finalized block, or refuses naming mesh_getCommit on a single-key node', async () => {
    for (let i = 0; i < 300 && (await client.getBlockNumber()) < 2n; i++)
      await new Promise((r) => setTimeout(r, 100))
    const served = await client.request({ method: 'mesh_getCommit' as never, params: ['0x1'] as never }).then(
      () => true,
      (e: { code?: number }) => e.code !== -32601,
    )
    const exported = await exportBundleCommit(client, 1n).catch((e: unknown) => e)
    if (!served) {
      // the main net before BFT: one validator, no certificates
      expect(exported).toMatchObject({ name: 'BundleExportError', code: 'BUNDLE_COMMIT_UNAVAILABLE' })
      expect((exported as Error).message).toContain('The main-net node does not serve mesh_getCommit')
      return
    }
    const commit = exported as Awaited<ReturnType<typeof exportBundleCommit>>
    const set = validatorSetFromGenesis(genesisValidatorsOf(commit.validators))
    expect(set.hash).toBe(commit.validatorsHash)
    expect(commit.chain).toEqual([])
    const cert = decodeCommitCertificate(hexToBytes(commit.certificate))
    const power = verifyCommitCertificate(cert, set, {
      chainId: CHAIN_ID,
      height: 1,
      blockHash: bundleHeaderHash(commit.header),
    })
    expect(power).toBeGreaterThan((2 * set.totalPower) / 3)
    expect(bundleHeaderHash(commit.header)).toBe((await client.getBlock({ blockNumber: 1n })).hash)
  }, 60_000)
})
