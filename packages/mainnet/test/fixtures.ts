import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Groth16Proof } from '@rollup-mesh/core'
import { createSimulatedEnclave, type SimulatedEnclave } from '@rollup-mesh/tee-attest'
import { ExitTree, exitLeafHash, proveSettlement } from '@rollup-mesh/zk-bridge'
import { type Hash, type Hex, keccak256, numberToHex, toHex } from 'viem'
import {
  encodeGroth16Proof,
  encodeSettlementHeader,
  type SettlementHeader,
  settlementHashField,
  settlementReportData,
} from '../src/index.js'

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export const SPN_ID = 1n
export const SPN_CHAIN_ID = 1001n
export const MEASUREMENT: Hex = keccak256(toHex('rollup-mesh test executor v1'))
export const OTHER_MEASUREMENT: Hex = keccak256(toHex('some other executor'))
export const GENESIS_STATE_ROOT: Hash = keccak256(toHex('spn1 genesis state'))

/** One settlement as an SPN's settlement service would build it. */
export type BuiltSettlement = {
  header: SettlementHeader
  encodedHeader: Hex
  proof: Groth16Proof
  proofBytes: Hex
  /** What the contract takes: snarkjs' signals as numbers. */
  publicSignals: readonly [bigint, bigint, bigint, bigint, bigint]
  quote: Uint8Array
}

/** Real exit leaves of messages from SPN 1 to SPN 2. */
function leavesFor(from: number, count: number): bigint[] {
  return Array.from({ length: count }, (_, i) =>
    exitLeafHash({
      srcSpn: SPN_ID,
      position: BigInt(from + i),
      dstSpn: 2n,
      to: `0x${(0xbeef00 + from + i).toString(16).padStart(40, '0')}`,
      sender: `0x${(0xcafe00 + i).toString(16).padStart(40, '0')}`,
      value: BigInt(i) * 10n ** 15n,
      data: toHex(`message ${from + i}`),
    }),
  )
}

/**
 * Builds (and proves and attests) `count` consecutive settlements of SPN 1: 10 blocks each, `leaves[i]`
 * real exit leaves each, over one exit tree. The exit tree's new root is computed first, then the header,
 * then the proof with the header's hash as `settlementHash`.
 */
export async function buildSettlements(
  enclave: SimulatedEnclave,
  leafCounts: number[],
): Promise<BuiltSettlement[]> {
  const tree = new ExitTree()
  const out: BuiltSettlement[] = []
  let stateRoot = GENESIS_STATE_ROOT
  let fromBlock = 1n
  for (const [i, count] of leafCounts.entries()) {
    const leaves = leavesFor(tree.size, count)
    const batch = tree.appendBatch(leaves, 0n)
    const newStateRoot = keccak256(toHex(`spn1 state ${i + 1}`))
    const header: SettlementHeader = {
      spnId: SPN_ID,
      fromBlock,
      toBlock: fromBlock + 9n,
      prevStateRoot: stateRoot,
      newStateRoot,
      prevExitRoot: numberToHex(batch.oldRoot, { size: 32 }),
      newExitRoot: numberToHex(batch.newRoot, { size: 32 }),
      startIndex: BigInt(batch.startIndex),
      leafCount: BigInt(leaves.length),
    }
    const proof = await proveSettlement({ ...batch, settlementHash: settlementHashField(header) })
    out.push({
      header,
      encodedHeader: encodeSettlementHeader(header),
      proof,
      proofBytes: encodeGroth16Proof(proof.proof),
      publicSignals: proof.publicSignals.map((s) => BigInt(s)) as unknown as BuiltSettlement['publicSignals'],
      quote: enclave.quote(settlementReportData(header)),
    })
    stateRoot = newStateRoot
    fromBlock += 10n
  }
  return out
}

export async function createTestEnclave(
  dataDir: string,
  measurement: Hex = MEASUREMENT,
): Promise<SimulatedEnclave> {
  return createSimulatedEnclave({ dataDir, measurement })
}
