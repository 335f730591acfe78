import {
  type Chain,
  ChainRewindError,
  type ChainStore,
  type RewindHook,
  type StoreRowWrite,
} from '@rollup-mesh/chain'
import {
  type ExitMessage,
  InvalidParameterError,
  type Logger,
  type Receipt,
  SYSTEM_ADDRESSES,
} from '@rollup-mesh/core'
import {
  EXIT_TREE_DEPTH,
  type ExitInclusionProof,
  ExitTree,
  exitLeafHash,
  hashPair,
  SETTLEMENT_BATCH_SIZE,
  ZERO_HASHES,
} from '@rollup-mesh/zk-bridge'
import { type Hash, type Hex, numberToHex } from 'viem'
import { closeFrontier, type ExitTreeState } from './exitTreeFrontier.js'
import { type ExitTreeTables, openExitTreeTables } from './exitTreeTables.js'
import { sentMessagesOf } from './mailboxMessages.js'

/**
 * One message of the exit tree, as persisted and as a leaf commits to it: core's wire `ExitMessage` with
 * its settlement batch and leaf hash. Tree coordinates (`position`, `batch`) are JS numbers here (a tree
 * of depth 24 has under 2^24 positions, and they key SQLite rows and maps); the wire shape carries them as
 * bigint (`exitBatchesOf` converts).
 */
export type ExitTreeMessage = Omit<ExitMessage, 'position'> & {
  /** Position in the exit tree (the leaf's `index`). */
  position: number
  /** Settlement batch the leaf belongs to (`position >> 4`). */
  batch: number
  leaf: bigint
}

/**
 * A settlement batch of the exit tree: the blocks it covers and the tree's frontier where it starts (not
 * its messages: core's `ExitBatch` is the wire shape with them, built by `exitBatchesOf`).
 */
export type SettlementBatchRange = {
  index: number
  fromBlock: bigint
  /** Undefined while the batch is open. */
  toBlock: bigint | undefined
  /** Frontier of the tree at `16 × index` (what the batch's proof starts from). */
  startFrontier: readonly bigint[]
}

/**
 * The SPN's exit tree (DESIGN §4), kept in the chain's SQLite database next to the blocks.
 *
 * Every sealed block's `MessageSent` logs from the Mailbox become leaves; the block header's `exitRoot` is
 * the root after them (the chain hook's `commit` runs in the block's transaction, so tree and chain never
 * disagree after a crash). Leaves are grouped into settlement batches of 16 aligned positions, one batch per
 * settlement: `closeBatch()` ends the open batch at the newest block (the settlement service), and a block
 * whose messages would overflow it closes it first. A closed batch never changes, so a settlement of a batch
 * is always the same one. Its tables are the chain store's `spn_exit_tree` extension.
 *
 * @example
 * ```ts
 * const store = new ChainStore({ path: join(dataDir, 'chain.db') })
 * const exitTree = new SPNExitTree(store, 1n, logger)
 * exitTree.attach(chain) // before chain.open: every sealed block's header carries exitTree.root
 * // ... blocks whose transactions call Mailbox.sendMessage ...
 * exitTree.messagesOfTx(tx.blockNumber, tx.hash) // [{ position: 0, batch: 0, dstSpn: 2n, ... }]
 * const closed = exitTree.closeBatch() // { index: 0, fromBlock: 1n, toBlock: 7n, startFrontier }
 * exitTree.proof(0) // { leaf, index: 0, siblings, root, batch: 0, message }
 * ```
 */
export class SPNExitTree {
  readonly spnId: bigint
  readonly #tables: ExitTreeTables
  readonly #log: Logger | undefined
  #state: ExitTreeState
  /** The root of a state (24 Poseidon hashes from the frontier, ~12 ms): most blocks leave the tree as it was. */
  #root: { state: ExitTreeState; root: Hex } | undefined
  #chain: Chain | undefined

  constructor(store: ChainStore, spnId: bigint, logger?: Logger) {
    this.spnId = spnId
    this.#tables = openExitTreeTables(store)
    this.#log = logger?.child({ module: 'exit-tree' })
    const saved = this.#tables.loadState()
    if (saved) this.#state = saved
    else {
      this.#state = {
        batch: 0,
        openCount: 0,
        processed: 0n,
        size: 0,
        frontier: new Array<bigint>(EXIT_TREE_DEPTH).fill(0n),
      }
      this.#tables.transaction(() => {
        this.#tables.insertFirstBatch()
        this.#tables.saveState(this.#state)
      })
    }
  }

  /**
   * The exit root now (a 32-byte word). Computed once per tree state (24 Poseidon hashes) and kept until
   * the state changes: a block with messages, a batch cut, a rewind (`mesh_nodeInfo` asks on every call).
   */
  get root(): Hash {
    const state = this.#state
    if (this.#root?.state === state) return this.#root.root
    const root = numberToHex(ExitTree.fromFrontier({ size: state.size, frontier: state.frontier }).root, {
      size: 32,
    })
    this.#root = { state, root }
    return root
  }

  /** The open batch's index (= number of closed batches), its real leaves, the last block in the tree. */
  get status(): { openBatch: number; openCount: number; processed: bigint; size: number } {
    const s = this.#state
    return { openBatch: s.batch, openCount: s.openCount, processed: s.processed, size: s.size }
  }

  /**
   * Installs the header hook on `chain` (before `chain.open`/node start, so that every sealed block carries
   * the root). Blocks sealed before the tree was first attached are read back from the store when the next
   * block is sealed (their headers carry the zero exit root).
   */
  attach(chain: Chain): void {
    this.#chain = chain
    chain.setExitRootHook((block) => this.onBlock(block))
    chain.addRewindHook(this.rewindHook())
  }

  /** Reads the state back from the store (after a block commit that rolled back). */
  #reload(): void {
    const saved = this.#tables.loadState()
    if (saved) this.#state = saved
    this.#root = undefined
  }

  #catchUp(until: bigint): void {
    const chain = this.#chain
    if (!chain) return
    this.#log?.warn({ from: Number(this.#state.processed + 1n), to: Number(until) }, 'exit tree catching up')
    for (let n = this.#state.processed + 1n; n <= until; n++) {
      const logs = chain.store.getLogs({
        fromBlock: n,
        toBlock: n,
        addresses: [SYSTEM_ADDRESSES.spn.mailbox],
        topics: [],
        limit: 10_000,
      })
      const receipts = logs.map((l) => ({
        transactionHash: l.transactionHash,
        logs: [{ address: l.address, topics: l.topics, data: l.data }],
      })) as unknown as Receipt[]
      const caught = this.onBlock({ number: n, receipts })
      this.#tables.transaction(() => this.#tables.writeRows(caught.rows))
      caught.applied()
    }
  }

  /** The chain hook: leaves of the block's messages, the header's root, and what to persist with the block. */
  onBlock: (block: { number: bigint; receipts: readonly Receipt[] }) => {
    exitRoot: Hex
    rows: StoreRowWrite[]
    applied: () => void
  } = ({ number, receipts }) => {
    // The last block's commit ran this tree's `commit`, then its store transaction rolled back (a full
    // disk): the stored state is the truth.
    if (number <= this.#state.processed) this.#reload()
    if (number > this.#state.processed + 1n) this.#catchUp(number - 1n)
    const prev = this.#state
    if (number !== prev.processed + 1n)
      throw new InvalidParameterError({
        param: 'block.number',
        expected: `${prev.processed + 1n} (the block after the exit tree's last)`,
        got: number,
      })
    const messages = sentMessagesOf(number, receipts)
    let next: ExitTreeState = { ...prev, frontier: [...prev.frontier], processed: number }
    let closed: { batch: number; toBlock: bigint; frontier: bigint[] } | undefined
    if (messages.length > 0 && prev.openCount + messages.length > SETTLEMENT_BATCH_SIZE) {
      const c = closeFrontier(prev)
      closed = { batch: prev.batch, toBlock: number - 1n, frontier: c.frontier }
      next = { ...next, batch: prev.batch + 1, openCount: 0, size: c.size, frontier: c.frontier }
    }
    if (messages.length === 0 && !closed && this.#root?.state === prev) {
      const exitRoot = this.#root.root
      return {
        exitRoot,
        rows: this.#tables.blockRows(undefined, [], next),
        applied: () => {
          this.#state = next
          this.#root = { state: next, root: exitRoot }
        },
      }
    }
    const tree = ExitTree.fromFrontier({ size: next.size, frontier: next.frontier })
    const leaves: ExitTreeMessage[] = []
    for (const m of messages) {
      const position = tree.size
      const leaf = exitLeafHash({
        srcSpn: m.srcSpn,
        position: BigInt(position),
        dstSpn: m.dstSpn,
        to: m.to,
        sender: m.sender,
        value: m.value,
        data: m.data,
      })
      tree.append(leaf)
      leaves.push({ ...m, position, batch: next.batch, leaf })
    }
    next = {
      ...next,
      size: tree.size,
      frontier: [...tree.frontier],
      openCount: next.openCount + leaves.length,
    }
    const exitRoot = numberToHex(tree.root, { size: 32 })
    return {
      exitRoot,
      rows: this.#tables.blockRows(closed, leaves, next),
      applied: () => {
        this.#state = next
        this.#root = { state: next, root: exitRoot }
        if (leaves.length)
          this.#log?.debug({ block: Number(number), leaves: leaves.length, exitRoot }, 'exit leaves appended')
      },
    }
  }

  /**
   * The chain's rewind hook for dev snapshots (`evm_revert`): a rewind to `block` is refused with
   * `ChainRewindError` naming the block when a newer block already left the node (its messages are exit
   * leaves, or it was cut into a settlement batch); otherwise the tree forgets the blocks above (they left
   * it unchanged).
   */
  rewindHook(): RewindHook {
    return {
      check: (block) => {
        const s = this.#state
        if (s.processed <= block) return
        const sent = this.messages().find((m) => m.block > block)
        if (sent)
          throw new ChainRewindError(
            `Cannot rewind to block ${block}: block ${sent.block} sent a cross-network message (exit leaf ${sent.position}).`,
            ['- Revert to a snapshot taken after that block; messages that left cannot be recalled.'],
          )
        const cut = s.batch > 0 ? this.batch(s.batch - 1)?.toBlock : undefined
        if (cut !== undefined && cut > block)
          throw new ChainRewindError(
            `Cannot rewind to block ${block}: blocks up to ${cut} were cut for settlement to the main net.`,
            [
              '- Settlement pauses while a snapshot is outstanding; revert to a snapshot taken after that block.',
            ],
          )
      },
      rewind: (block) => {
        if (this.#state.processed <= block) return
        const next: ExitTreeState = { ...this.#state, processed: block }
        this.#tables.saveState(next)
        this.#state = next
        this.#root = undefined
      },
    }
  }

  /**
   * Ends the open batch at the newest block in the tree (what the settlement service calls before settling
   * it). Returns the closed batch, or undefined when it covers no block yet, or while the chain's commit
   * writer holds a block (the settlement round tries again).
   */
  closeBatch(): SettlementBatchRange | undefined {
    // While the commit writer holds a block, that block's rows (the tree's state after it) are not written
    // yet: a cut now would be overwritten by them, or outlive a crash that loses the block. Later.
    const chain = this.#chain
    if (chain && chain.tip().number !== chain.head().number) return undefined
    const s = this.#state
    const open = this.batch(s.batch)
    if (!open || s.processed < open.fromBlock) return undefined
    const c = closeFrontier(s)
    const next: ExitTreeState = { ...s, batch: s.batch + 1, openCount: 0, size: c.size, frontier: c.frontier }
    this.#tables.transaction(() => {
      this.#tables.closeBatch(s.batch, s.processed, c.frontier)
      this.#tables.saveState(next)
    })
    this.#state = next // only once stored (a full disk throws above and changes nothing)
    this.#log?.debug({ batch: s.batch, toBlock: Number(s.processed), leaves: s.openCount }, 'batch closed')
    return this.batch(s.batch)
  }

  /** Batch `index`'s block range and start frontier (undefined beyond the open batch). */
  batch(index: number): SettlementBatchRange | undefined {
    return this.#tables.batch(index)
  }

  /** The messages of a batch, in tree order. */
  messagesOf(batch: number): ExitTreeMessage[] {
    return this.#tables.leavesOfBatch(batch)
  }

  /** The messages a transaction sent (it is in block `block`), in tree order. */
  messagesOfTx(block: bigint, txHash: Hash): ExitTreeMessage[] {
    const tx = txHash.toLowerCase()
    return this.#tables.leavesOfBlock(block).filter((m) => m.txHash.toLowerCase() === tx)
  }

  /** Every message with position in [from, to). */
  messages(from = 0, to = Number.MAX_SAFE_INTEGER): ExitTreeMessage[] {
    return this.#tables.leavesIn(from, to)
  }

  /**
   * The inclusion proof of the message at `position` against the exit root after batch `batch` (default
   * the message's own batch: the root its settlement finalizes on the main net). Rebuilt from the persisted
   * leaves, O(leaves × depth) hashes.
   */
  proof(
    position: number,
    batch?: number,
  ): ExitInclusionProof & { root: bigint; batch: number; message: ExitTreeMessage } {
    const message = this.messages(position, position + 1)[0]
    if (!message)
      throw new InvalidParameterError({
        param: 'position',
        expected: 'the exit-tree position of a message',
        got: position,
      })
    const upTo = batch ?? message.batch
    if (!Number.isInteger(upTo) || upTo < message.batch || upTo >= this.#state.batch + 1)
      throw new InvalidParameterError({
        param: 'batch',
        expected: `a batch from ${message.batch} to ${this.#state.batch}`,
        got: batch,
      })
    let level = new Map<number, bigint>()
    for (const m of this.messages(0, SETTLEMENT_BATCH_SIZE * (upTo + 1))) level.set(m.position, m.leaf)
    const siblings: bigint[] = []
    for (let l = 0; l < EXIT_TREE_DEPTH; l++) {
      const zero = ZERO_HASHES[l] as bigint
      siblings.push(level.get(Math.floor(position / 2 ** l) ^ 1) ?? zero)
      const parents = new Map<number, bigint>()
      for (const index of level.keys()) {
        const parent = Math.floor(index / 2)
        if (parents.has(parent)) continue
        parents.set(parent, hashPair(level.get(2 * parent) ?? zero, level.get(2 * parent + 1) ?? zero))
      }
      level = parents
    }
    return {
      leaf: message.leaf,
      index: position,
      siblings,
      root: level.get(0) as bigint,
      batch: upTo,
      message,
    }
  }
}
