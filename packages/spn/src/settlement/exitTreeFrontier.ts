import {
  EXIT_TREE_DEPTH,
  ExitTree,
  hashPair,
  SETTLEMENT_BATCH_LEVELS,
  SETTLEMENT_BATCH_SIZE,
  ZERO_HASHES,
} from '@rollup-mesh/zk-bridge'

/** Where the exit tree stands: what is persisted with every block. */
export type ExitTreeState = {
  /** The open batch (number of closed batches). */
  batch: number
  /** Real leaves in the open batch. */
  openCount: number
  /** Last block whose messages are in the tree. */
  processed: bigint
  size: number
  frontier: bigint[]
}

const bit = (n: number, level: number): boolean => Math.floor(n / 2 ** level) % 2 === 1

/** The frontier after appending 16 empty leaves at `size` (a multiple of 16): an empty settlement batch. */
function skipEmptyBatch(size: number, frontier: readonly bigint[]): bigint[] {
  const f = [...frontier]
  let node = ZERO_HASHES[SETTLEMENT_BATCH_LEVELS] as bigint
  let level = SETTLEMENT_BATCH_LEVELS
  while (level < EXIT_TREE_DEPTH && bit(size, level)) {
    node = hashPair(f[level] as bigint, node)
    level++
  }
  if (level < EXIT_TREE_DEPTH) f[level] = node
  return f
}

/** The frontier at the next multiple of 16 (a batch closed with `openCount` real leaves). */
export function closeFrontier(state: Pick<ExitTreeState, 'size' | 'frontier' | 'openCount'>): {
  size: number
  frontier: bigint[]
} {
  if (state.openCount === 0 && state.size % SETTLEMENT_BATCH_SIZE === 0)
    return { size: state.size + SETTLEMENT_BATCH_SIZE, frontier: skipEmptyBatch(state.size, state.frontier) }
  const t = ExitTree.fromFrontier({ size: state.size, frontier: state.frontier })
  t.padToBatch()
  return { size: t.size, frontier: [...t.frontier] }
}
