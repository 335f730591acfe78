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
 * The tree's state is its frontier: for each level whose bit is set in `size`, the complete left-hand
 * node there (the Ethereum deposit contract's `branch`). `append` hashes only the nodes the new leaf
 * completes (amortised 1 hash, at most `depth`); the root is folded from the frontier in `depth` hashes
 * when asked for, and cached. The settlement circuit's siblings are frontier entries too. The tree
 * also keeps every complete node so that `proof(index)` is O(depth); empty subtrees are never stored
 * (their roots are ZERO_HASHES) and partial nodes come from the same fold as the root.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict'
 * import { ExitTree, exitLeafHash, verifyExitProof } from '@rollup-mesh/zk-bridge/exits'
 *
 * const tree = new ExitTree()
 * const leaf = exitLeafHash({
 *   srcSpn: 1n,
 *   position: 0n,
 *   dstSpn: 2n,
 *   to: '0x00000000000000000000000000000000000000aa',
 *   sender: '0x00000000000000000000000000000000000000bb',
 *   value: 0n,
 *   data: '0x',
 * })
 * const index = tree.append(leaf)
 * assert.equal(tree.size, 1)
 * const proof = tree.proof(index)
 * assert.equal(verifyExitProof(proof, tree.root), true)
 * assert.equal(verifyExitProof({ ...proof, leaf: leaf + 1n }, tree.root), false)
 * ```
 */
export class ExitTree {
  readonly depth: number
  #size = 0
  /** The root and the partial nodes on the path of position `size`, per level; undefined when stale. */
  #fold: bigint[] | undefined
  readonly #frontier: bigint[]
  /** #nodes[l][i]: node i of level l (level 0 = leaves), for every complete node. */
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
    if (!Number.isInteger(size) || size < 0 || size >= 2 ** depth)
      throw new InvalidParameterError({ param: 'size', expected: `an integer in [0, 2^${depth})`, got: size })
    if (!Array.isArray(frontier) || frontier.length !== depth || !frontier.every((f) => isFieldElement(f)))
      throw new InvalidParameterError({
        param: 'frontier',
        expected: `${depth} field elements`,
        got: frontier,
      })
    for (let level = 0; level < depth; level++) {
      if (bit(size, level)) {
        tree.#frontier[level] = frontier[level] as bigint
        // the complete left sibling of position `size`'s path: later proofs need it
        ;(tree.#nodes[level] as bigint[])[(size >> level) - 1] = frontier[level] as bigint
      }
    }
    tree.#size = size
    tree.#restoredFrom = size
    return tree
  }

  /**
   * The frontier: entry `l` is the complete left-hand node at level `l` when bit `l` of `size` is set,
   * and 0 otherwise. With `size` it is the tree's whole O(depth) state (see `fromFrontier`).
   */
  get frontier(): readonly bigint[] {
    return this.#frontier.map((node, level) => (bit(this.#size, level) ? node : EMPTY_LEAF))
  }

  /** Number of leaves appended so far (padding included): the index of the next leaf. */
  get size(): number {
    return this.#size
  }

  get root(): bigint {
    return this.#folded()[this.depth] as bigint
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
    if (!isFieldElement(settlementHash))
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
    const oldRoot = this.root
    const siblings: bigint[] = []
    for (let level = SETTLEMENT_BATCH_LEVELS; level < this.depth; level++) {
      siblings.push(
        bit(startIndex, level) ? (this.#frontier[level] as bigint) : (ZERO_HASHES[level] as bigint),
      )
    }
    for (const leaf of leaves) this.#append(leaf)
    this.padToBatch()
    return { oldRoot, newRoot: this.root, startIndex, leaves: [...leaves], siblings, settlementHash }
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
    const fold = this.#folded()
    const siblings: bigint[] = []
    for (let level = 0; level < this.depth; level++) {
      const sibling = (index >> level) ^ 1
      const edge = this.#size >> level
      siblings.push(
        sibling < edge
          ? (this.#nodes[level]?.[sibling] as bigint)
          : sibling === edge
            ? (fold[level] as bigint)
            : (ZERO_HASHES[level] as bigint),
      )
    }
    return { leaf: this.leaf(index), index, siblings }
  }

  #ensureRoom(adding: number): void {
    if (this.#size + adding > 2 ** this.depth)
      throw new ExitTreeFullError({ depth: this.depth, size: this.#size, adding })
  }

  #append(leaf: bigint): number {
    const index = this.#size
    ;(this.#nodes[0] as bigint[])[index] = leaf
    let node = leaf
    let level = 0
    // climb while this node is a right child: each step completes its parent
    while (level < this.depth && bit(index, level)) {
      node = hashPair(this.#frontier[level] as bigint, node)
      level++
      ;(this.#nodes[level] as bigint[])[index >> level] = node
    }
    if (level < this.depth) this.#frontier[level] = node
    this.#size = index + 1
    this.#fold = undefined
    return index
  }

  /**
   * fold[l] is the node at level l on the path of position `size` (the partial node, or an empty
   * subtree); fold[depth] is the root.
   */
  #folded(): bigint[] {
    if (this.#fold) return this.#fold
    if (this.#size === 2 ** this.depth) {
      // full: no partial nodes, and the last append completed the root
      this.#fold = [...(ZERO_HASHES.slice(0, this.depth) as bigint[]), this.#nodes[this.depth]?.[0] as bigint]
      return this.#fold
    }
    const fold: bigint[] = [EMPTY_LEAF]
    let node = EMPTY_LEAF
    for (let level = 0; level < this.depth; level++) {
      node = bit(this.#size, level)
        ? hashPair(this.#frontier[level] as bigint, node)
        : hashPair(node, ZERO_HASHES[level] as bigint)
      fold.push(node)
    }
    this.#fold = fold
    return fold
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

function bit(value: number, level: number): boolean {
  return Math.floor(value / 2 ** level) % 2 === 1
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
