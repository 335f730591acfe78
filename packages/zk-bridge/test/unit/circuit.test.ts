import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  calculateSettlementWitness,
  EXIT_TREE_DEPTH,
  ExitTree,
  getSettlementArtifacts,
  SETTLEMENT_BATCH_LEVELS,
  SETTLEMENT_BATCH_SIZE,
  type SettlementBatch,
  SettlementWitnessError,
  SNARK_SCALAR_FIELD,
  settlementCircuitInput,
} from '../../src/index.js'

const leafArb = fc.bigInt({ min: 1n, max: SNARK_SCALAR_FIELD - 1n })
let wasm: Uint8Array

beforeAll(async () => {
  wasm = (await getSettlementArtifacts()).wasm
  // circom_runtime prints failed assertions to console.error; the failures themselves are asserted below
  vi.spyOn(console, 'error').mockImplementation(() => {})
})
afterAll(() => {
  vi.restoreAllMocks()
})

/** A tree holding arbitrary content before `16 * slot`, restored from a random frontier. */
function treeAt(slot: number, frontier: readonly bigint[]): ExitTree {
  return ExitTree.fromFrontier({ size: slot * SETTLEMENT_BATCH_SIZE, frontier })
}

const witness = (batch: SettlementBatch) => calculateSettlementWitness(settlementCircuitInput(batch), wasm)

describe('settlement circuit (witness calculator on the committed wasm)', () => {
  it('agrees with the TypeScript tree on old and new roots for random batches and start indices', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** (EXIT_TREE_DEPTH - SETTLEMENT_BATCH_LEVELS) - 1 }),
        fc.array(leafArb, { minLength: EXIT_TREE_DEPTH, maxLength: EXIT_TREE_DEPTH }),
        fc.array(leafArb, { minLength: 0, maxLength: SETTLEMENT_BATCH_SIZE }),
        fc.bigInt({ min: 0n, max: SNARK_SCALAR_FIELD - 1n }),
        async (slot, frontier, leaves, settlementHash) => {
          const batch = treeAt(slot, frontier).appendBatch(leaves, settlementHash)
          const wtns = await witness(batch)
          expect(wtns.length).toBeGreaterThan(0)
          // the circuit recomputes newRoot itself: any other value fails
          await expect(
            witness({ ...batch, newRoot: (batch.newRoot + 1n) % SNARK_SCALAR_FIELD }),
          ).rejects.toThrow(SettlementWitnessError)
        },
      ),
      { numRuns: 8 },
    )
  }, 90_000)

  it('cannot produce a witness for a wrong append', async () => {
    const tree = new ExitTree()
    tree.appendBatch([5n, 6n, 7n], 1n)
    const leaves = [101n, 102n, 103n, 104n, 105n]
    const good = tree.appendBatch(leaves, 42n)
    await expect(witness(good)).resolves.toBeInstanceOf(Uint8Array)

    const wrong: Record<string, SettlementBatch> = {
      reordered: { ...good, leaves: [102n, 101n, 103n, 104n, 105n] },
      dropped: { ...good, leaves: leaves.slice(0, 4) },
      'dropped but counted': { ...good, leaves: [101n, 102n, 103n, 104n, 0n] },
      altered: { ...good, leaves: [101n, 102n, 999n, 104n, 105n] },
      'start index of the next slot': { ...good, startIndex: 32 },
      'start index of the previous slot': { ...good, startIndex: 0 },
      'unaligned start index': { ...good, startIndex: 17 },
      'wrong old root': { ...good, oldRoot: good.oldRoot + 1n },
      'old root that already holds this batch': { ...good, oldRoot: good.newRoot },
      'non-empty right sibling': {
        ...good,
        siblings: good.siblings.map((s, i) => (i === 3 ? s + 1n : s)),
      },
    }
    for (const [name, batch] of Object.entries(wrong)) {
      await expect(witness(batch), name).rejects.toThrow(SettlementWitnessError)
    }
    // a consistent tree with a sixth leaf hidden in the padding, while leafCount says 5
    const other = new ExitTree()
    other.appendBatch([5n, 6n, 7n], 1n)
    const six = settlementCircuitInput(other.appendBatch([...leaves, 77n], 42n))
    await expect(calculateSettlementWitness(six, wasm)).resolves.toBeInstanceOf(Uint8Array)
    await expect(calculateSettlementWitness({ ...six, leafCount: '5' }, wasm)).rejects.toThrow(
      SettlementWitnessError,
    )
    await expect(calculateSettlementWitness({ ...six, leafCount: '17' }, wasm)).rejects.toThrow(
      SettlementWitnessError,
    )
  })
})
