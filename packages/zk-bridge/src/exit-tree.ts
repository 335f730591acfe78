import { InvalidParameterError } from '@rollup-mesh/core'
import {
  EXIT_TREE_DEPTH,
  SETTLEMENT_BATCH_LEVELS,
  SETTLEMENT_BATCH_SIZE,
  SNARK_SCALAR_FIELD,
} from './constants.js'
import { ExitTreeFullError } from './errors.js'
import { EMPTY_LEAF, hashPair, ZERO_HASHES } from './poseidon.js'

/** A Merkle inclusion proof of one exit-tree leaf. `siblings[l]` is the sibling at level `l` (0 = leaves). */
export type ExitInclusionProof = {
  leaf: bigint
  index: number
  siblings: readonly bigint[]
}

/**
 * What the settlement circuit proves: `newRoot` is `oldRoot` with `leaves` (padded with empty leaves
 * to SETTLEMENT_BATCH_SIZE) appended as the aligned subtree at `startIndex`. `siblings` are the path
 * from that subtree up to the root (levels SETTLEMENT_BATCH_LEVELS .. depth-1), the same for both roots.
 */
export type SettlementBatch = {
  oldRoot: bigint
  newRoot: bigint
  startIndex: number
  /** The real leaves, 0 to SETTLEMENT_BATCH_SIZE of them; no padding. */
  leaves: readonly bigint[]
  siblings: readonly bigint[]
  /** Hash of the settlement header, reduced to the field (see `toField`). */
  settlementHash: bigint
}

/**
 * An append-only Poseidon binary Merkle tree of fixed depth (EXIT_TREE_DEPTH unless told otherwise).
 *
 * `append` is O(depth): one Poseidon hash per level along the new leaf's path, driven by the
 * frontier (the rightmost left-hand node of each level), which is also all a settlement proof needs.
 * The tree keeps the nodes it has computed so that `proof(index)` is O(depth) too; empty subtrees
 * are never stored (their roots are ZERO_HASHES).
 */
export class ExitTree {
  readonly depth: number
  #size = 0
  #root: bigint
  readonly #frontier: bigint[]
  /** #nodes[l][i]: node i of level l (level 0 = leaves), for every non-empty node. */
  readonly #nodes: bigint[][]
  /** Leaves below this index are not held (a tree restored with `fromFrontier`). */
  #restoredFrom = 0

  constructor({ depth = EXIT_TREE_DEPTH }: { depth?: number } = {}) {
    if (!Number.isInteger(depth) || depth < SETTLEMENT_BATCH_LEVELS || depth > EXIT_TREE_DEPTH)
      throw new InvalidParameterError({
        param: 'depth',
        expected: `an integer from ${SETTLEMENT_BATCH_LEVELS} to ${EXIT_TREE_DEPTH}`,
        got: depth,
      })
    this.depth = depth
    this.#root = ZERO_HASHES[depth] as bigint
    this.#frontier = new Array<bigint>(depth).fill(EMPTY_LEAF)
    this.#nodes = Array.from({ length: depth + 1 }, () => [])
  }

  /**
   * Restores a tree from its O(depth) state: `size` and `frontier` (as returned by `tree.frontier`).
   * The restored tree appends, settles and proves leaves from `size` on; proofs of earlier leaves
   * need the full tree.
   */
  static fromFrontier({
    size,
    frontier,
    depth = EXIT_TREE_DEPTH,
  }: {
    size: number
    frontier: readonly bigint[]
    depth?: number
  }): ExitTree {
    const tree = new ExitTree({ depth })
    if (!Number.isInteger(size) || size < 0 || size > 2 ** depth)
      throw new InvalidParameterError({ param: 'size', expected: `an integer in [0, 2^${depth}]`, got: size })
    if (!Array.isArray(frontier) || frontier.length !== depth || !frontier.every((f) => isFieldElement(f)))
      throw new InvalidParameterError({
        param: 'frontier',
        expected: `${depth} field elements`,
        got: frontier,
      })
    frontier.forEach((f, l) => {
      tree.#frontier[l] = f
    })
    if (size > 0) {
      const last = size - 1
      for (let level = 0; level < depth; level++) {
        const node = last >> level
        // the frontier node of this level: the last node's complete left sibling, or the last node itself
        ;(tree.#nodes[level] as bigint[])[(node & 1) === 1 ? node - 1 : node] = frontier[level] as bigint
      }
    }
    let node = EMPTY_LEAF
    for (let level = 0; level < depth; level++) {
      node =
        Math.floor(size / 2 ** level) % 2 === 1
          ? hashPair(frontier[level] as bigint, node)
          : hashPair(node, ZERO_HASHES[level] as bigint)
    }
    tree.#root = node
    tree.#size = size
    tree.#restoredFrom = size
    return tree
  }

  /** The frontier: per level, the rightmost node that is a left child (the tree's O(depth) state). */
  get frontier(): readonly bigint[] {
    return [...this.#frontier]
  }

  /** Number of leaves appended so far (padding included): the index of the next leaf. */
  get size(): number {
    return this.#size
  }

  get root(): bigint {
    return this.#root
  }

  /** Appends one message leaf (see `exitLeafHash`) and returns its index. */
  append(leaf: bigint): number {
    assertLeaf(leaf, 'leaf')
    this.#ensureRoom(1)
    return this.#append(leaf)
  }

  /**
   * Appends a settlement batch: `leaves` (at most SETTLEMENT_BATCH_SIZE) as the next aligned
   * subtree, padded with empty leaves, and returns the circuit's statement about it. The tree's
   * size must be a multiple of SETTLEMENT_BATCH_SIZE (use `appendBatch` only, or `padToBatch` first).
   */
  appendBatch(leaves: readonly bigint[], settlementHash: bigint): SettlementBatch {
    if (leaves.length > SETTLEMENT_BATCH_SIZE)
      throw new InvalidParameterError({
        param: 'leaves',
        expected: `at most ${SETTLEMENT_BATCH_SIZE} leaves per settlement batch`,
        got: leaves,
      })
    for (const [i, leaf] of leaves.entries()) assertLeaf(leaf, `leaves[${i}]`)
    if (typeof settlementHash !== 'bigint' || settlementHash < 0n || settlementHash >= SNARK_SCALAR_FIELD)
      throw new InvalidParameterError({
        param: 'settlementHash',
        expected: 'a field element (reduce the header hash with toField)',
        got: settlementHash,
      })
    if (this.#size % SETTLEMENT_BATCH_SIZE !== 0)
      throw new InvalidParameterError({
        param: 'tree.size',
        expected: `a multiple of ${SETTLEMENT_BATCH_SIZE} before a batch (call padToBatch() first)`,
        got: this.#size,
      })
    this.#ensureRoom(SETTLEMENT_BATCH_SIZE)
    const startIndex = this.#size
    const oldRoot = this.#root
    const siblings: bigint[] = []
    for (let level = SETTLEMENT_BATCH_LEVELS; level < this.depth; level++) {
      siblings.push(
        ((startIndex >> level) & 1) === 1
          ? (this.#frontier[level] as bigint)
          : (ZERO_HASHES[level] as bigint),
      )
    }
    for (const leaf of leaves) this.#append(leaf)
    this.padToBatch()
    return { oldRoot, newRoot: this.#root, startIndex, leaves: [...leaves], siblings, settlementHash }
  }

  /** Appends empty leaves up to the next multiple of SETTLEMENT_BATCH_SIZE (the root does not change). */
  padToBatch(): void {
    while (this.#size % SETTLEMENT_BATCH_SIZE !== 0) this.#append(EMPTY_LEAF)
  }

  /** The leaf at `index`, or EMPTY_LEAF past the end. */
  leaf(index: number): bigint {
    return this.#nodes[0]?.[index] ?? EMPTY_LEAF
  }

  /** The inclusion proof of the leaf at `index` against the current root. */
  proof(index: number): ExitInclusionProof {
    if (!Number.isInteger(index) || index < 0 || index >= this.#size)
      throw new InvalidParameterError({
        param: 'index',
        expected: `an integer in [0, ${this.#size})`,
        got: index,
      })
    if (index < this.#restoredFrom)
      throw new InvalidParameterError({
        param: 'index',
        expected: `an index from ${this.#restoredFrom} on (this tree was restored from its frontier)`,
        got: index,
      })
    const siblings: bigint[] = []
    for (let level = 0; level < this.depth; level++) {
      const sibling = (index >> level) ^ 1
      siblings.push(this.#nodes[level]?.[sibling] ?? (ZERO_HASHES[level] as bigint))
    }
    return { leaf: this.leaf(index), index, siblings }
  }

  #ensureRoom(adding: number): void {
    if (this.#size + adding > 2 ** this.depth)
      throw new ExitTreeFullError({ depth: this.depth, size: this.#size, adding })
  }

  #append(leaf: bigint): number {
    const index = this.#size
    let node = leaf
    for (let level = 0; level < this.depth; level++) {
      ;(this.#nodes[level] as bigint[])[index >> level] = node
      if (((index >> level) & 1) === 0) {
        this.#frontier[level] = node
        node = hashPair(node, ZERO_HASHES[level] as bigint)
      } else {
        node = hashPair(this.#frontier[level] as bigint, node)
      }
    }
    ;(this.#nodes[this.depth] as bigint[])[0] = node
    this.#root = node
    this.#size = index + 1
    return index
  }
}

/**
 * Recomputes the root from an inclusion proof; true when it equals `root`. Never throws. The proof
 * must have exactly `depth` siblings, so an inner node cannot pass for a leaf, and the empty leaf
 * (padding) never verifies.
 */
export function verifyExitProof(
  proof: ExitInclusionProof,
  root: bigint,
  { depth = EXIT_TREE_DEPTH }: { depth?: number } = {},
): boolean {
  const { leaf, index, siblings } = proof
  if (typeof leaf !== 'bigint' || leaf === EMPTY_LEAF || leaf >= SNARK_SCALAR_FIELD || leaf < 0n) return false
  if (!Array.isArray(siblings) || siblings.length !== depth) return false
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** depth) return false
  let node = leaf
  for (let level = 0; level < siblings.length; level++) {
    const sibling = siblings[level]
    if (typeof sibling !== 'bigint' || sibling < 0n || sibling >= SNARK_SCALAR_FIELD) return false
    node = Math.floor(index / 2 ** level) % 2 === 0 ? hashPair(node, sibling) : hashPair(sibling, node)
  }
  return node === root
}

function isFieldElement(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= 0n && value < SNARK_SCALAR_FIELD
}

function assertLeaf(leaf: bigint, param: string): void {
  if (typeof leaf !== 'bigint' || leaf <= EMPTY_LEAF || leaf >= SNARK_SCALAR_FIELD)
    throw new InvalidParameterError({
      param,
      expected: 'a non-zero field element (an exitLeafHash)',
      got: leaf,
    })
}
