import type { Chain } from '@rollup-mesh/chain'
import { InvalidParameterError, type Logger, type Receipt, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import {
  EXIT_TREE_DEPTH,
  type ExitInclusionProof,
  ExitTree,
  exitLeafHash,
  hashPair,
  SETTLEMENT_BATCH_LEVELS,
  SETTLEMENT_BATCH_SIZE,
  ZERO_HASHES,
} from '@rollup-mesh/zk-bridge'
import type Database from 'better-sqlite3'
import { type Address, decodeEventLog, type Hash, type Hex, numberToHex } from 'viem'
import { SPN_MAILBOX_RUNTIME_CODE, spnMailboxAbi } from './mailbox.generated.js'

/** The SPN Mailbox system contract, in every SPN genesis. */

/** The Mailbox's genesis account: its runtime code, slot 0 = the SPN's numeric id. */
export function spnMailboxGenesisAccount(spnId: bigint): { code: Hex; storage: Record<Hex, Hex> } {
  return {
    code: SPN_MAILBOX_RUNTIME_CODE,
    storage: { [numberToHex(0, { size: 32 })]: numberToHex(spnId, { size: 32 }) },
  }
}

/** One message of the exit tree, as persisted and as a leaf commits to it. */
export type ExitTreeMessage = {
  /** Position in the exit tree (the leaf's `index`). */
  position: number
  /** The Mailbox's sequential message index. */
  messageIndex: bigint
  /** Settlement batch the leaf belongs to (`position >> 4`). */
  batch: number
  block: bigint
  txHash: Hash
  srcSpn: bigint
  dstSpn: bigint
  sender: Address
  to: Address
  value: bigint
  data: Hex
  leaf: bigint
}

/** A settlement batch: the blocks it covers and the tree's frontier where it starts. */
export type ExitBatch = {
  index: number
  fromBlock: bigint
  /** Undefined while the batch is open. */
  toBlock: bigint | undefined
  /** Frontier of the tree at `16 × index` (what the batch's proof starts from). */
  startFrontier: readonly bigint[]
}

type State = {
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
function closeFrontier(state: Pick<State, 'size' | 'frontier' | 'openCount'>): {
  size: number
  frontier: bigint[]
} {
  if (state.openCount === 0 && state.size % SETTLEMENT_BATCH_SIZE === 0)
    return { size: state.size + SETTLEMENT_BATCH_SIZE, frontier: skipEmptyBatch(state.size, state.frontier) }
  const t = ExitTree.fromFrontier({ size: state.size, frontier: state.frontier })
  t.padToBatch()
  return { size: t.size, frontier: [...t.frontier] }
}

const json = (v: unknown): string => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))

/**
 * The SPN's exit tree (DESIGN §4), kept in the chain's SQLite database next to the blocks.
 *
 * Every sealed block's `MessageSent` logs from the Mailbox become leaves; the block header's `exitRoot` is
 * the root after them (the chain hook's `commit` runs in the block's transaction, so tree and chain never
 * disagree after a crash). Leaves are grouped into settlement batches of 16 aligned positions, one batch per
 * settlement: `closeBatch()` ends the open batch at the newest block (the settlement service), and a block
 * whose messages would overflow it closes it first. A closed batch never changes, so a settlement of a batch
 * is always the same one.
 */
export class SPNExitTree {
  readonly spnId: bigint
  readonly #db: Database.Database
  readonly #log: Logger | undefined
  #state: State
  /** The root of a state (24 Poseidon hashes from the frontier, ~12 ms): most blocks leave the tree as it was. */
  #root: { state: State; root: Hex } | undefined
  #chain: Chain | undefined

  constructor(db: Database.Database, spnId: bigint, logger?: Logger) {
    this.spnId = spnId
    this.#db = db
    this.#log = logger?.child({ module: 'exit-tree' })
    db.exec(`
      CREATE TABLE IF NOT EXISTS spn_exit_state (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS spn_exit_leaves (
        position INTEGER PRIMARY KEY, batch INTEGER NOT NULL, block INTEGER NOT NULL, message TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS spn_exit_batches (
        batch INTEGER PRIMARY KEY, from_block INTEGER NOT NULL, to_block INTEGER, start_frontier TEXT NOT NULL);
    `)
    const row = db.prepare('SELECT state FROM spn_exit_state WHERE id = 1').get() as
      | { state: string }
      | undefined
    if (row) {
      const s = JSON.parse(row.state) as Record<string, unknown>
      this.#state = {
        batch: Number(s.batch),
        openCount: Number(s.openCount),
        processed: BigInt(s.processed as string),
        size: Number(s.size),
        frontier: (s.frontier as string[]).map((f) => BigInt(f)),
      }
    } else {
      this.#state = {
        batch: 0,
        openCount: 0,
        processed: 0n,
        size: 0,
        frontier: new Array<bigint>(EXIT_TREE_DEPTH).fill(0n),
      }
      db.transaction(() => {
        this.#insertBatch(0, 1n, this.#state.frontier)
        this.#saveState(this.#state)
      })()
    }
  }

  /** The exit root now (a 32-byte word). */
  get root(): Hash {
    return numberToHex(
      ExitTree.fromFrontier({ size: this.#state.size, frontier: this.#state.frontier }).root,
      {
        size: 32,
      },
    )
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
      this.onBlock({ number: n, receipts }).commit()
    }
  }

  /** The chain hook: leaves of the block's messages, the header's root, and what to persist with the block. */
  onBlock: (block: { number: bigint; receipts: readonly Receipt[] }) => {
    exitRoot: Hex
    commit: () => void
  } = ({ number, receipts }) => {
    if (number > this.#state.processed + 1n) this.#catchUp(number - 1n)
    const prev = this.#state
    if (number !== prev.processed + 1n)
      throw new InvalidParameterError({
        param: 'block.number',
        expected: `${prev.processed + 1n} (the block after the exit tree's last)`,
        got: number,
      })
    const messages = this.#messagesOf(number, receipts)
    let next: State = { ...prev, frontier: [...prev.frontier], processed: number }
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
        commit: () => {
          this.#saveState(next)
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
      commit: () => {
        if (closed) this.#persistClose(closed.batch, closed.toBlock, closed.frontier)
        const insert = this.#db.prepare(
          'INSERT INTO spn_exit_leaves (position, batch, block, message) VALUES (?, ?, ?, ?)',
        )
        for (const l of leaves) insert.run(l.position, l.batch, Number(l.block), json(l))
        this.#saveState(next)
        this.#state = next
        this.#root = { state: next, root: exitRoot }
        if (leaves.length)
          this.#log?.debug({ block: Number(number), leaves: leaves.length, exitRoot }, 'exit leaves appended')
      },
    }
  }

  /**
   * Ends the open batch at the newest block in the tree (what the settlement service calls before settling
   * it). Returns the closed batch, or undefined when it covers no block yet.
   */
  closeBatch(): ExitBatch | undefined {
    const s = this.#state
    const open = this.batch(s.batch)
    if (!open || s.processed < open.fromBlock) return undefined
    const c = closeFrontier(s)
    this.#db.transaction(() => {
      this.#persistClose(s.batch, s.processed, c.frontier)
      const next: State = { ...s, batch: s.batch + 1, openCount: 0, size: c.size, frontier: c.frontier }
      this.#saveState(next)
      this.#state = next
    })()
    this.#log?.debug({ batch: s.batch, toBlock: Number(s.processed), leaves: s.openCount }, 'batch closed')
    return this.batch(s.batch)
  }

  batch(index: number): ExitBatch | undefined {
    const row = this.#db
      .prepare('SELECT batch, from_block, to_block, start_frontier FROM spn_exit_batches WHERE batch = ?')
      .get(index) as
      | { batch: number; from_block: number; to_block: number | null; start_frontier: string }
      | undefined
    if (!row) return undefined
    return {
      index: row.batch,
      fromBlock: BigInt(row.from_block),
      toBlock: row.to_block === null ? undefined : BigInt(row.to_block),
      startFrontier: (JSON.parse(row.start_frontier) as string[]).map((f) => BigInt(f)),
    }
  }

  /** The messages of a batch, in tree order. */
  messagesOf(batch: number): ExitTreeMessage[] {
    const rows = this.#db
      .prepare('SELECT message FROM spn_exit_leaves WHERE batch = ? ORDER BY position')
      .all(batch) as { message: string }[]
    return rows.map((r) => parseMessage(r.message))
  }

  /** The messages a transaction sent (it is in block `block`), in tree order. */
  messagesOfTx(block: bigint, txHash: Hash): ExitTreeMessage[] {
    const rows = this.#db
      .prepare('SELECT message FROM spn_exit_leaves WHERE block = ? ORDER BY position')
      .all(Number(block)) as { message: string }[]
    return rows
      .map((r) => parseMessage(r.message))
      .filter((m) => m.txHash.toLowerCase() === txHash.toLowerCase())
  }

  /** Every message with position in [from, to). */
  messages(from = 0, to = Number.MAX_SAFE_INTEGER): ExitTreeMessage[] {
    const rows = this.#db
      .prepare('SELECT message FROM spn_exit_leaves WHERE position >= ? AND position < ? ORDER BY position')
      .all(from, to) as { message: string }[]
    return rows.map((r) => parseMessage(r.message))
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

  #messagesOf(
    block: bigint,
    receipts: readonly Receipt[],
  ): Omit<ExitTreeMessage, 'position' | 'batch' | 'leaf'>[] {
    const out: Omit<ExitTreeMessage, 'position' | 'batch' | 'leaf'>[] = []
    for (const r of receipts) {
      for (const log of r.logs) {
        if (log.address.toLowerCase() !== SYSTEM_ADDRESSES.spn.mailbox) continue
        let ev: {
          index: bigint
          srcSpn: bigint
          dstSpn: bigint
          sender: Address
          to: Address
          value: bigint
          data: Hex
        }
        try {
          const decoded = decodeEventLog({ abi: spnMailboxAbi, topics: log.topics as [Hex], data: log.data })
          if (decoded.eventName !== 'MessageSent' || !decoded.args) continue
          ev = decoded.args
        } catch {
          continue
        }
        out.push({
          messageIndex: ev.index,
          block,
          txHash: r.transactionHash,
          srcSpn: ev.srcSpn,
          dstSpn: ev.dstSpn,
          sender: ev.sender.toLowerCase() as Address,
          to: ev.to.toLowerCase() as Address,
          value: ev.value,
          data: ev.data,
        })
      }
    }
    return out
  }

  #persistClose(batch: number, toBlock: bigint, nextFrontier: readonly bigint[]): void {
    this.#db.prepare('UPDATE spn_exit_batches SET to_block = ? WHERE batch = ?').run(Number(toBlock), batch)
    this.#insertBatch(batch + 1, toBlock + 1n, nextFrontier)
  }

  #insertBatch(batch: number, fromBlock: bigint, frontier: readonly bigint[]): void {
    this.#db
      .prepare(
        'INSERT INTO spn_exit_batches (batch, from_block, to_block, start_frontier) VALUES (?, ?, NULL, ?)',
      )
      .run(batch, Number(fromBlock), json(frontier))
  }

  #saveState(s: State): void {
    this.#db.prepare('INSERT OR REPLACE INTO spn_exit_state (id, state) VALUES (1, ?)').run(json(s))
  }
}

function parseMessage(text: string): ExitTreeMessage {
  const m = JSON.parse(text) as Record<string, string | number>
  return {
    position: Number(m.position),
    messageIndex: BigInt(m.messageIndex as string),
    batch: Number(m.batch),
    block: BigInt(m.block as string),
    txHash: m.txHash as Hash,
    srcSpn: BigInt(m.srcSpn as string),
    dstSpn: BigInt(m.dstSpn as string),
    sender: m.sender as Address,
    to: m.to as Address,
    value: BigInt(m.value as string),
    data: m.data as Hex,
    leaf: BigInt(m.leaf as string),
  }
}
