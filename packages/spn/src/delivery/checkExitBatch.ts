import type { ExitBatch, ExitMessage } from '@rollup-mesh/core'
import {
  EXIT_TREE_DEPTH,
  ExitTree,
  exitLeafHash,
  hashPair,
  SETTLEMENT_BATCH_SIZE,
  verifyExitProof,
} from '@rollup-mesh/zk-bridge'
import { type Hash, numberToHex } from 'viem'
import { ExitBatchMismatchError } from './errors.js'

/** What the main net finalized for a batch (its `ExitRootFinalized` event). */
export type FinalizedExitRoot = { srcSpn: bigint; root: Hash; startIndex: bigint; leafCount: bigint }

/** A message of a checked batch with its inclusion proof against the finalized root. */
export type CheckedExitMessage = { position: bigint; siblings: bigint[]; message: ExitMessage }

/**
 * Checks an exit batch against the root the main net finalized for it and returns, for each of its
 * messages, the inclusion proof against that root. The batch is unauthenticated data from a peer: the
 * leaves recomputed from its messages, appended to its start frontier, must give exactly `root`. Throws
 * `ExitBatchMismatchError` (`EXIT_BATCH_MISMATCH`, `check` naming the failed check) otherwise.
 */
export function checkExitBatch(batch: ExitBatch, expected: FinalizedExitRoot): CheckedExitMessage[] {
  const mismatch = (check: ConstructorParameters<typeof ExitBatchMismatchError>[0], m: string, e: string) =>
    new ExitBatchMismatchError(check, m, e)
  if (batch.spnId !== expected.srcSpn)
    throw mismatch('spn', `Exit batch is of SPN ${batch.spnId}.`, `SPN ${expected.srcSpn}`)
  if (batch.startIndex !== expected.startIndex)
    throw mismatch(
      'start-index',
      `Exit batch starts at ${batch.startIndex}.`,
      `the settlement's start ${expected.startIndex}`,
    )
  if (BigInt(batch.messages.length) !== expected.leafCount)
    throw mismatch(
      'leaf-count',
      `Exit batch has ${batch.messages.length} messages.`,
      `the settlement's ${expected.leafCount}`,
    )
  if (batch.startFrontier.length !== EXIT_TREE_DEPTH)
    throw mismatch(
      'frontier',
      `Exit batch frontier has ${batch.startFrontier.length} nodes.`,
      `${EXIT_TREE_DEPTH} nodes`,
    )
  const leaves = batch.messages.map((m, i) => {
    if (m.position !== batch.startIndex + BigInt(i))
      throw mismatch(
        'position',
        `Exit batch message ${i} is at position ${m.position}.`,
        `position ${batch.startIndex + BigInt(i)}`,
      )
    if (m.srcSpn !== expected.srcSpn)
      throw mismatch(
        'message-spn',
        `Exit batch message ${i} is from SPN ${m.srcSpn}.`,
        `SPN ${expected.srcSpn}`,
      )
    return exitLeafHash({
      srcSpn: m.srcSpn,
      position: m.position,
      dstSpn: m.dstSpn,
      to: m.to,
      sender: m.sender,
      value: m.value,
      data: m.data,
    })
  })
  const tree = ExitTree.fromFrontier({
    size: Number(batch.startIndex),
    frontier: batch.startFrontier.map((f) => BigInt(f)),
  })
  const zk = tree.appendBatch(leaves, 0n)
  const root = numberToHex(zk.newRoot, { size: 32 })
  if (root !== expected.root.toLowerCase())
    throw mismatch(
      'root',
      `Exit batch gives root ${root}.`,
      `the root the main net finalized, ${expected.root}`,
    )
  // Inside the batch: the 16-leaf subtree; above it: the path the settlement proof used.
  const padded = [...leaves, ...new Array<bigint>(SETTLEMENT_BATCH_SIZE - leaves.length).fill(0n)]
  return batch.messages.map((message, i) => {
    const siblings: bigint[] = []
    let level = padded
    let index = i
    while (level.length > 1) {
      siblings.push(level[index ^ 1] as bigint)
      const up: bigint[] = []
      for (let j = 0; j < level.length; j += 2) up.push(hashPair(level[j] as bigint, level[j + 1] as bigint))
      level = up
      index >>= 1
    }
    siblings.push(...zk.siblings)
    const proof = { leaf: leaves[i] as bigint, index: Number(message.position), siblings }
    if (!verifyExitProof(proof, zk.newRoot))
      throw mismatch(
        'inclusion-proof',
        `Inclusion proof of position ${message.position} fails.`,
        'a proof against the finalized root',
      )
    return { position: message.position, siblings, message }
  })
}
