import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkSettlementBatch,
  EXIT_TREE_DEPTH,
  ExitTree,
  ExitTreeFullError,
  hashPair,
  SETTLEMENT_BATCH_SIZE,
  SettlementWitnessError,
  SNARK_SCALAR_FIELD,
  toField,
  verifyExitProof,
  ZERO_HASHES,
} from '../../src/index.js'

const leafArb = fc.bigInt({ min: 1n, max: SNARK_SCALAR_FIELD - 1n })

/** The root recomputed from scratch, level by level: the reference the incremental tree must match. */
function naiveRoot(leaves: readonly bigint[], depth = EXIT_TREE_DEPTH): bigint {
  let level = [...leaves]
  for (let l = 0; l < depth; l++) {
    const next: bigint[] = []
    for (let i = 0; i < level.length; i += 2)
      next.push(hashPair(level[i] as bigint, level[i + 1] ?? (ZERO_HASHES[l] as bigint)))
    level = next.length ? next : []
  }
  return level[0] ?? (ZERO_HASHES[depth] as bigint)
}

describe('toField', () => {
  it('reduces into the BN254 scalar field', () => {
    expect(toField(SNARK_SCALAR_FIELD + 5n)).toBe(5n)
    expect(toField(2n ** 256n - 1n)).toBeLessThan(SNARK_SCALAR_FIELD)
    expect(toField(-1n)).toBe(SNARK_SCALAR_FIELD - 1n)
  })
})

describe('ExitTree', () => {
  it('starts at the empty root and uses circomlib Poseidon(2)', () => {
    const tree = new ExitTree()
    expect(tree.depth).toBe(EXIT_TREE_DEPTH)
    expect(EXIT_TREE_DEPTH).toBeGreaterThanOrEqual(20)
    expect(tree.root).toBe(ZERO_HASHES[EXIT_TREE_DEPTH])
    // Poseidon(0, 0), the well-known first zero of circomlib-based trees (Tornado, Semaphore)
    expect(ZERO_HASHES[1]).toBe(
      14744269619966411208579211824598458697587494354926760081771325075741142829156n,
    )
  })

  it('matches a from-scratch root after every append, and every proof verifies', () => {
    fc.assert(
      fc.property(fc.array(leafArb, { minLength: 1, maxLength: 40 }), (leaves) => {
        const tree = new ExitTree()
        leaves.forEach((leaf, i) => {
          expect(tree.append(leaf)).toBe(i)
          expect(tree.root).toBe(naiveRoot(leaves.slice(0, i + 1)))
        })
        for (let i = 0; i < leaves.length; i++) {
          const proof = tree.proof(i)
          expect(proof.leaf).toBe(leaves[i])
          expect(verifyExitProof(proof, tree.root)).toBe(true)
        }
      }),
      { numRuns: 15 },
    )
  })

  it('rejects tampered inclusion proofs', () => {
    const tree = new ExitTree()
    for (let i = 1n; i <= 5n; i++) tree.append(i * 1000n)
    const proof = tree.proof(3)
    const root = tree.root
    expect(verifyExitProof(proof, root)).toBe(true)
    expect(verifyExitProof({ ...proof, leaf: proof.leaf + 1n }, root)).toBe(false)
    expect(verifyExitProof({ ...proof, index: 2 }, root)).toBe(false)
    expect(verifyExitProof({ ...proof, index: 3 + 2 ** 20 }, root)).toBe(false)
    const siblings = [...proof.siblings]
    siblings[7] = (siblings[7] as bigint) + 1n
    expect(verifyExitProof({ ...proof, siblings }, root)).toBe(false)
    expect(verifyExitProof(proof, root + 1n)).toBe(false)
    // an inner node does not pass for a leaf with a shorter path
    const inner = { leaf: hashPair(3000n, 4000n), index: 1, siblings: proof.siblings.slice(1) }
    expect(verifyExitProof(inner, root)).toBe(false)
    // padding (the empty leaf) never verifies
    tree.padToBatch()
    expect(verifyExitProof(tree.proof(9), tree.root)).toBe(false)
  })

  it('rejects bad leaves and reports a full tree', () => {
    const tree = new ExitTree({ depth: 4 })
    expect(() => tree.append(0n)).toThrow(/Parameter "leaf" is invalid/)
    expect(() => tree.append(SNARK_SCALAR_FIELD)).toThrow(/non-zero field element/)
    const leaves = Array.from({ length: 16 }, (_, i) => BigInt(i + 1))
    for (const leaf of leaves) tree.append(leaf)
    expect(tree.root).toBe(naiveRoot(leaves, 4))
    expect(verifyExitProof(tree.proof(15), tree.root, { depth: 4 })).toBe(true)
    expect(() => tree.append(17n)).toThrow(ExitTreeFullError)
    expect(() => tree.append(17n)).toThrow(expect.objectContaining({ code: 'ZK_EXIT_TREE_FULL' }))
  })

  it('restores from its frontier and keeps appending and proving', () => {
    fc.assert(
      fc.property(
        fc.array(leafArb, { minLength: 0, maxLength: 37 }),
        fc.array(leafArb, { minLength: 1, maxLength: 20 }),
        (before, after) => {
          const full = new ExitTree()
          for (const leaf of before) full.append(leaf)
          const restored = ExitTree.fromFrontier({ size: full.size, frontier: full.frontier })
          expect(restored.root).toBe(full.root)
          for (const leaf of after) {
            full.append(leaf)
            restored.append(leaf)
          }
          expect(restored.root).toBe(full.root)
          for (let i = before.length; i < full.size; i++) expect(restored.proof(i)).toEqual(full.proof(i))
          if (before.length > 0) expect(() => restored.proof(0)).toThrow(/restored from its frontier/)
        },
      ),
      { numRuns: 20 },
    )
  })
})

describe('ExitTree.appendBatch', () => {
  it('appends an aligned, padded batch whose statement checks out', () => {
    const tree = new ExitTree()
    const first = tree.appendBatch([11n, 12n, 13n], 99n)
    expect(first).toMatchObject({ startIndex: 0, oldRoot: ZERO_HASHES[EXIT_TREE_DEPTH], newRoot: tree.root })
    expect(tree.size).toBe(SETTLEMENT_BATCH_SIZE)
    expect(tree.root).toBe(naiveRoot([11n, 12n, 13n]))
    const second = tree.appendBatch([21n, 22n], 100n)
    expect(second.startIndex).toBe(SETTLEMENT_BATCH_SIZE)
    expect(second.oldRoot).toBe(first.newRoot)
    const padded = [11n, 12n, 13n, ...new Array(13).fill(0n), 21n, 22n]
    expect(tree.root).toBe(naiveRoot(padded))
    checkSettlementBatch(first)
    checkSettlementBatch(second)
    expect(verifyExitProof(tree.proof(17), tree.root)).toBe(true)
  })

  it('refuses batches that are too long or unaligned', () => {
    const tree = new ExitTree()
    expect(() => tree.appendBatch(new Array(17).fill(1n), 1n)).toThrow(/at most 16 leaves/)
    tree.append(5n)
    expect(() => tree.appendBatch([1n], 1n)).toThrow(/padToBatch/)
  })

  it('checkSettlementBatch names the inconsistent field', () => {
    const tree = new ExitTree()
    tree.appendBatch([1n], 1n)
    const batch = tree.appendBatch([2n, 3n], 7n)
    expect(() => checkSettlementBatch({ ...batch, leaves: [3n, 2n] })).toThrow(/"newRoot"/)
    expect(() => checkSettlementBatch({ ...batch, oldRoot: batch.oldRoot + 1n })).toThrow(/"oldRoot"/)
    expect(() => checkSettlementBatch({ ...batch, startIndex: 3 })).toThrow(/"startIndex"/)
    expect(() => checkSettlementBatch({ ...batch, startIndex: 32 })).toThrow(SettlementWitnessError)
    expect(() => checkSettlementBatch({ ...batch, leaves: [2n, 0n] })).toThrow(/"leaves\[1\]"/)
  })
})
