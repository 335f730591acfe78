import type { ChainStore, StoreExtension, StoreRowWrite } from '@rollup-mesh/chain'
import { EXIT_TREE_DEPTH } from '@rollup-mesh/zk-bridge'
import type { Address, Hash, Hex } from 'viem'
import type { ExitTreeMessage, SettlementBatchRange } from './exitTree.js'
import type { ExitTreeState } from './exitTreeFrontier.js'

/**
 * The exit tree's tables in the chain store: its state (frontier, open batch), its leaves (one row per
 * message, as JSON) and its settlement batches. Version 1 is the layout the first release created by hand
 * (`IF NOT EXISTS`: a data dir of that release is adopted as it is).
 */
export const exitTreeExtension: StoreExtension = {
  name: 'spn_exit_tree',
  migrations: [
    (db) =>
      db.exec(`
        CREATE TABLE IF NOT EXISTS spn_exit_state (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS spn_exit_leaves (
          position INTEGER PRIMARY KEY, batch INTEGER NOT NULL, block INTEGER NOT NULL, message TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS spn_exit_batches (
          batch INTEGER PRIMARY KEY, from_block INTEGER NOT NULL, to_block INTEGER, start_frontier TEXT NOT NULL);
      `),
  ],
}

const SAVE_STATE = 'INSERT OR REPLACE INTO spn_exit_state (id, state) VALUES (1, ?)'
const INSERT_LEAF = 'INSERT INTO spn_exit_leaves (position, batch, block, message) VALUES (?, ?, ?, ?)'
const INSERT_BATCH =
  'INSERT INTO spn_exit_batches (batch, from_block, to_block, start_frontier) VALUES (?, ?, NULL, ?)'
const CLOSE_BATCH = 'UPDATE spn_exit_batches SET to_block = ? WHERE batch = ?'

const json = (v: unknown): string => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))

/** The exit tree's reads and writes, over statements prepared once. */
export type ExitTreeTables = ReturnType<typeof openExitTreeTables>

/** Registers the exit tree's tables in `store` (creating or upgrading them) and prepares its statements. */
export function openExitTreeTables(store: ChainStore) {
  const ext = store.registerExtension(exitTreeExtension)
  const st = {
    state: ext.prepare('SELECT state FROM spn_exit_state WHERE id = 1').pluck(),
    saveState: ext.prepare(SAVE_STATE),
    leavesOfBatch: ext
      .prepare('SELECT message FROM spn_exit_leaves WHERE batch = ? ORDER BY position')
      .pluck(),
    leavesOfBlock: ext
      .prepare('SELECT message FROM spn_exit_leaves WHERE block = ? ORDER BY position')
      .pluck(),
    leavesIn: ext
      .prepare('SELECT message FROM spn_exit_leaves WHERE position >= ? AND position < ? ORDER BY position')
      .pluck(),
    batch: ext.prepare(
      'SELECT batch, from_block, to_block, start_frontier FROM spn_exit_batches WHERE batch = ?',
    ),
    insertBatch: ext.prepare(INSERT_BATCH),
    closeBatch: ext.prepare(CLOSE_BATCH),
  }
  const parseAll = (rows: unknown[]): ExitTreeMessage[] => (rows as string[]).map(parseMessage)
  return {
    transaction: ext.transaction,
    loadState(): ExitTreeState | undefined {
      const text = st.state.get() as string | undefined
      if (text === undefined) return undefined
      const s = JSON.parse(text) as Record<string, unknown>
      return {
        batch: Number(s.batch),
        openCount: Number(s.openCount),
        processed: BigInt(s.processed as string),
        size: Number(s.size),
        frontier: (s.frontier as string[]).map((f) => BigInt(f)),
      }
    },
    saveState(s: ExitTreeState): void {
      st.saveState.run(json(s))
    },
    /** Closes `batch` at `toBlock` and opens the next one from the block after, at `nextFrontier`. */
    closeBatch(batch: number, toBlock: bigint, nextFrontier: readonly bigint[]): void {
      st.closeBatch.run(Number(toBlock), batch)
      st.insertBatch.run(batch + 1, Number(toBlock + 1n), json(nextFrontier))
    },
    /**
     * What a block writes to the tree, as data for the block's commit (`BlockCommit.rows`): the batch it
     * closes (when its messages overflow the open one), its leaves, the tree's state after it.
     */
    blockRows(
      closed: { batch: number; toBlock: bigint; frontier: readonly bigint[] } | undefined,
      leaves: readonly ExitTreeMessage[],
      next: ExitTreeState,
    ): StoreRowWrite[] {
      const rows: StoreRowWrite[] = []
      if (closed) {
        rows.push({ sql: CLOSE_BATCH, params: [Number(closed.toBlock), closed.batch] })
        rows.push({
          sql: INSERT_BATCH,
          params: [closed.batch + 1, Number(closed.toBlock + 1n), json(closed.frontier)],
        })
      }
      for (const l of leaves)
        rows.push({ sql: INSERT_LEAF, params: [l.position, l.batch, Number(l.block), json(l)] })
      rows.push({ sql: SAVE_STATE, params: [json(next)] })
      return rows
    },
    /** Writes rows from `blockRows` on the store's own connection (inside the caller's transaction). */
    writeRows(rows: readonly StoreRowWrite[]): void {
      for (const r of rows) ext.prepare(r.sql).run(...r.params)
    },
    /** The first batch, from block 1 at the empty tree's frontier. */
    insertFirstBatch(): void {
      st.insertBatch.run(0, 1, json(new Array<bigint>(EXIT_TREE_DEPTH).fill(0n)))
    },
    batch(index: number): SettlementBatchRange | undefined {
      const row = st.batch.get(index) as
        | { batch: number; from_block: number; to_block: number | null; start_frontier: string }
        | undefined
      if (!row) return undefined
      return {
        index: row.batch,
        fromBlock: BigInt(row.from_block),
        toBlock: row.to_block === null ? undefined : BigInt(row.to_block),
        startFrontier: (JSON.parse(row.start_frontier) as string[]).map((f) => BigInt(f)),
      }
    },
    leavesOfBatch: (batch: number): ExitTreeMessage[] => parseAll(st.leavesOfBatch.all(batch)),
    leavesOfBlock: (block: bigint): ExitTreeMessage[] => parseAll(st.leavesOfBlock.all(Number(block))),
    leavesIn: (from: number, to: number): ExitTreeMessage[] => parseAll(st.leavesIn.all(from, to)),
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
