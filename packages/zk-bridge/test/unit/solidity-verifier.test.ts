import type { Groth16Proof } from '@rollup-mesh/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createSettlementProver,
  ExitTree,
  loadSettlementArtifacts,
  releaseZkThreads,
  type SettlementArtifacts,
  SNARK_SCALAR_FIELD,
} from '../../src/index.js'
import { deployVerifier, type EvmVerifier, verifierArgs } from '../helpers/evm.js'

// The exported Verifier.sol in @ethereumjs/evm (pure-JS BN254 precompiles), compiled with solc-js.
// TODO(lead): run it through dual-vm's executor once dual-vm lands.
let artifacts: SettlementArtifacts
let verifier: EvmVerifier
let proof: Groth16Proof

beforeAll(async () => {
  artifacts = await loadSettlementArtifacts()
  const tree = new ExitTree()
  const batch = tree.appendBatch([7n, 8n, 9n, 10n], 123456789n)
  const prover = createSettlementProver({ artifacts })
  ;[verifier, proof] = await Promise.all([deployVerifier(artifacts.verifierSol), prover.prove(batch)])
}, 90_000)

afterAll(async () => {
  await releaseZkThreads()
})

describe('Verifier.sol in the EVM', () => {
  it('accepts a valid proof and rejects tampered public signals', async () => {
    const valid = await verifier.verify(verifierArgs(proof.proof, proof.publicSignals))
    expect(valid.ok).toBe(true)
    expect(valid.gasUsed).toBeGreaterThan(150_000n)
    expect(valid.gasUsed).toBeLessThan(400_000n)
    console.info(
      `Verifier.sol verifyProof: ${valid.gasUsed} gas, ${valid.ms.toFixed(0)} ms in @ethereumjs/evm`,
    )

    for (let i = 0; i < proof.publicSignals.length; i++) {
      const signals = [...proof.publicSignals]
      signals[i] = String((BigInt(signals[i] as string) + 1n) % SNARK_SCALAR_FIELD)
      const tampered = await verifier.verify(verifierArgs(proof.proof, signals))
      expect(tampered.ok, `signal ${i}`).toBe(false)
    }
    // a signal outside the field is refused too
    const outside = [...proof.publicSignals]
    outside[4] = String(SNARK_SCALAR_FIELD + BigInt(outside[4] as string))
    expect((await verifier.verify(verifierArgs(proof.proof, outside))).ok).toBe(false)
  })
})
