import type { Address, Hash, Hex } from 'viem'

/**
 * One cross-network message as it leaves its source SPN: what the SPN's Mailbox recorded and the exit
 * tree holds a leaf of. p2p's `exit_batches` codec, the source SPN's exit tree, the destination's delivery
 * and the CLI's proof bundles all use this shape.
 */
export type ExitMessage = {
  /** Position of the leaf in the source SPN's exit tree. */
  position: bigint
  /** The source Mailbox's sequential message index. */
  messageIndex: bigint
  srcSpn: bigint
  dstSpn: bigint
  sender: Address
  to: Address
  /** uint256 (the Mailbox keeps it below the BN254 field). */
  value: bigint
  /** At most p2p's `MESSAGE_LIMITS.exitMessageData` bytes. */
  data: Hex
  /** The source SPN block that sent it. */
  block: bigint
  /** The source transaction. */
  txHash: Hash
}

/**
 * The messages of one settlement batch of SPN `spnId` (16 leaf positions of its exit tree), as a
 * destination SPN fetches them once the main net has finalized the exit root after the batch. The
 * receiver authenticates it by appending the leaves to `startFrontier` and comparing the root with the
 * finalized one; p2p's codec checks its shape (see `encodeExitBatch`).
 */
export type ExitBatch = {
  spnId: bigint
  /** The batch's number: the source SPN's `batch`-th settlement batch. */
  batch: bigint
  fromBlock: bigint
  toBlock: bigint
  /** = 16 × `batch`. */
  startIndex: bigint
  /** The exit tree's frontier at `startIndex`: exactly 24 words of 32 bytes. */
  startFrontier: Hash[]
  /** 0..16 messages in tree order. */
  messages: ExitMessage[]
}
