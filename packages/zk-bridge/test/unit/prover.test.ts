import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Groth16Proof, ProgressEvent } from '@rollup-mesh/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ARTIFACT_FILES,
  ArtifactMismatchError,
  ArtifactNotFoundError,
  checkSettlementArtifacts,
  DEFAULT_ARTIFACTS_DIR,
  EXIT_TREE_DEPTH,
  ExitTree,
  exitLeafHash,
  loadSettlementArtifacts,
  MANIFEST_FILE,
  proveSettlement,
  releaseZkThreads,
  SETTLEMENT_BATCH_LEVELS,
  type SettlementArtifacts,
  type SettlementBatch,
  SettlementWitnessError,
  SNARK_SCALAR_FIELD,
  settlementPublicSignals,
  toField,
  verifySettlement,
  ZERO_HASHES,
} from '../../src/index.js'

let artifacts: SettlementArtifacts
let batch: SettlementBatch
let result: Groth16Proof
const progress: ProgressEvent[] = []

beforeAll(async () => {
  artifacts = await loadSettlementArtifacts()
  const tree = new ExitTree()
  tree.appendBatch([1n, 2n, 3n], 5n)
  const leaves = Array.from({ length: 16 }, (_, i) =>
    exitLeafHash({
      srcSpn: 1n,
      position: BigInt(16 + i),
      dstSpn: 2n,
      to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      sender: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
      value: BigInt(i),
      data: '0x',
    }),
  )
  batch = tree.appendBatch(leaves, toField(2n ** 255n + 12345n))
  result = await proveSettlement(batch, { artifacts, onProgress: (e) => progress.push(e) })
}, 90_000)

afterAll(async () => {
  await releaseZkThreads()
})

describe('proveSettlement / verifySettlement', () => {
  it('proves a 16-leaf batch that verifies, with the public signals in circuit order', async () => {
    expect(result.proof.protocol).toBe('groth16')
    expect(result.publicSignals).toEqual(settlementPublicSignals(batch))
    expect(result.publicSignals[2]).toBe('16')
    expect(result.publicSignals[3]).toBe('16')
    expect(progress.map((p) => p.stage)).toEqual(['load', 'check', 'witness', 'prove', 'done'])
    expect(await verifySettlement(artifacts.vkey, result.proof, result.publicSignals)).toBe(true)
  })

  it('rejects every tampered public signal and a tampered proof', async () => {
    for (let i = 0; i < result.publicSignals.length; i++) {
      const signals = [...result.publicSignals]
      signals[i] = String((BigInt(signals[i] as string) + 1n) % SNARK_SCALAR_FIELD)
      expect(await verifySettlement(artifacts.vkey, result.proof, signals), `signal ${i}`).toBe(false)
    }
    const pi_a = [...result.proof.pi_a]
    pi_a[0] = String(BigInt(pi_a[0] as string) + 1n)
    expect(await verifySettlement(artifacts.vkey, { ...result.proof, pi_a }, result.publicSignals)).toBe(
      false,
    )
    expect(await verifySettlement(artifacts.vkey, result.proof, result.publicSignals.slice(1))).toBe(false)
    expect(
      await verifySettlement(artifacts.vkey, result.proof, [...result.publicSignals.slice(0, 4), 'x']),
    ).toBe(false)
  })

  it('does not let a valid proof stand for a different append', async () => {
    // same old root, a reordered batch: the honest tree's new root differs, and the proof does not cover it
    const tree = ExitTree.fromFrontier({ size: 16, frontier: new ExitTree().frontier })
    expect(tree.depth).toBe(EXIT_TREE_DEPTH)
    const other = new ExitTree()
    other.appendBatch([1n, 2n, 3n], 5n)
    const reordered = other.appendBatch([...batch.leaves].reverse(), batch.settlementHash)
    expect(reordered.oldRoot).toBe(batch.oldRoot)
    expect(await verifySettlement(artifacts.vkey, result.proof, settlementPublicSignals(reordered))).toBe(
      false,
    )
  })

  it('refuses to prove an inconsistent batch, naming the field', async () => {
    await expect(proveSettlement({ ...batch, startIndex: 32 }, { artifacts })).rejects.toThrow(
      SettlementWitnessError,
    )
    await expect(proveSettlement({ ...batch, leaves: batch.leaves.slice(1) }, { artifacts })).rejects.toThrow(
      /"newRoot"/,
    )
  })
})

describe('artifacts', () => {
  it('loads the committed artifacts that match the manifest', () => {
    expect(artifacts.manifest.exitTreeDepth).toBe(EXIT_TREE_DEPTH)
    expect(artifacts.manifest.publicSignals).toHaveLength(artifacts.vkey.nPublic)
    expect(artifacts.verifierSol).toContain('contract Groth16Verifier')
  })

  it('fails clearly when a file does not match its manifest entry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zk-artifacts-'))
    try {
      await cp(DEFAULT_ARTIFACTS_DIR, dir, { recursive: true })
      const vkeyFile = join(dir, ARTIFACT_FILES.vkey)
      await writeFile(vkeyFile, `${await readFile(vkeyFile, 'utf8')} `)
      const err = await loadSettlementArtifacts({ dir }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ArtifactMismatchError)
      expect((err as ArtifactMismatchError).code).toBe('ZK_ARTIFACT_MISMATCH')
      expect((err as Error).message).toContain(
        `Artifact "${ARTIFACT_FILES.vkey}" does not match its manifest.`,
      )
      await rm(join(dir, MANIFEST_FILE))
      await expect(loadSettlementArtifacts({ dir })).rejects.toThrow(ArtifactNotFoundError)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('match the TypeScript tree shape and constants', async () => {
    const circuits = join(DEFAULT_ARTIFACTS_DIR, '..', 'circuits')
    const main = await readFile(join(circuits, 'settlement.circom'), 'utf8')
    expect(main).toContain(`= Settlement(${EXIT_TREE_DEPTH}, ${SETTLEMENT_BATCH_LEVELS});`)
    const zeros = (await readFile(join(circuits, 'exit_tree_zeros.circom'), 'utf8')).match(/^\s+\d+/gm)
    expect(zeros?.map((z) => BigInt(z.trim()))).toEqual(ZERO_HASHES)
    expect(() => checkSettlementArtifacts({ ...artifacts.manifest, exitTreeDepth: 32 }, {} as never)).toThrow(
      /manifest.exitTreeDepth/,
    )
  })

  it('checks in-memory artifacts too', () => {
    const bytes = {
      wasm: artifacts.wasm,
      zkey: artifacts.zkey.slice(),
      vkey: new TextEncoder().encode(`${JSON.stringify(artifacts.vkey, null, 2)}\n`),
      verifier: new TextEncoder().encode(artifacts.verifierSol),
    }
    expect(checkSettlementArtifacts(artifacts.manifest, bytes).vkey).toEqual(artifacts.vkey)
    bytes.zkey[100] = (bytes.zkey[100] as number) ^ 1
    expect(() => checkSettlementArtifacts(artifacts.manifest, bytes)).toThrow(/settlement_final.zkey/)
  })
})
