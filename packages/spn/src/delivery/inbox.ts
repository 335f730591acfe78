import type { ChainStore, StoreExtension } from '@rollup-mesh/chain'
import type { ExitMessage } from '@rollup-mesh/core'
import type { Address, Hash, Hex } from 'viem'
import type { CheckedExitMessage } from './checkExitBatch.js'

/** Where a message addressed to this SPN stands. */
export type InboxStatus = 'queued' | 'delivered' | 'failed' | 'error'

export type InboxMessage = {
  srcSpn: bigint
  position: bigint
  sender: Address
  to: Address
  value: bigint
  data: Hex
  /** The finalized exit root its proof is against. */
  root: Hash
  settlementIndex: bigint
  status: InboxStatus
  /** The delivery deposit, once included. */
  txHash: Hash | undefined
  block: bigint | undefined
  /** Why the last delivery attempt reverted (status `error`). */
  error: string | undefined
}

/** An inbox row: a message waiting for (or done with) its delivery deposit. */
export type InboxRow = {
  src: number
  position: number
  root: string
  settlement_index: number
  message: string
  siblings: string
  status: InboxStatus
  attempts: number
  tx_hash: string | null
  block: number | null
  error: string | null
}

/** A finalized exit root of another SPN: its batch is fetched (`fetch`) or was checked (`ready`). */
export type InboxRootRow = {
  src: number
  settlement_index: number
  root: string
  start_index: number
  leaf_count: number
  status: 'fetch' | 'ready'
}

/** The main net's `ExitRootFinalized` of another SPN, as the follower records it. */
export type FinalizedRootEvent = {
  spnId: bigint
  exitRoot: Hash
  settlementIndex: bigint
  startIndex: bigint
  leafCount: bigint
}

/**
 * Delivery's tables in the chain store: the main-net cursor (`spn_delivery_meta`), the finalized roots of
 * other SPNs (`spn_inbox_roots`) and the messages addressed here (`spn_inbox`). Version 1 is the layout
 * the first release created by hand (`IF NOT EXISTS`: a data dir of that release is adopted as it is).
 */
export const inboxExtension: StoreExtension = {
  name: 'spn_inbox',
  migrations: [
    (db) =>
      db.exec(`
        CREATE TABLE IF NOT EXISTS spn_delivery_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS spn_inbox_roots (
          src INTEGER NOT NULL, settlement_index INTEGER NOT NULL, root TEXT NOT NULL, start_index INTEGER NOT NULL,
          leaf_count INTEGER NOT NULL, status TEXT NOT NULL, PRIMARY KEY (src, settlement_index));
        CREATE TABLE IF NOT EXISTS spn_inbox (
          src INTEGER NOT NULL, position INTEGER NOT NULL, root TEXT NOT NULL, settlement_index INTEGER NOT NULL,
          message TEXT NOT NULL, siblings TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
          tx_hash TEXT, block INTEGER, error TEXT, PRIMARY KEY (src, position));
        CREATE INDEX IF NOT EXISTS spn_inbox_status ON spn_inbox (status, src, position);
      `),
  ],
}

/** The inbox's reads and writes, over statements prepared once. */
export type Inbox = ReturnType<typeof openInbox>

const json = (v: unknown): string => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))

type StoredMessage = { sender: Address; to: Address; value: string; data: Hex }

/** The stored message of a row (as JSON, quantities as decimal strings). */
export function inboxRowMessage(row: InboxRow): StoredMessage {
  return JSON.parse(row.message) as StoredMessage
}

/** Registers the inbox's tables in `store` (creating or upgrading them) and prepares its statements. */
export function openInbox(store: ChainStore) {
  const ext = store.registerExtension(inboxExtension)
  const st = {
    getMeta: ext.prepare('SELECT value FROM spn_delivery_meta WHERE key = ?').pluck(),
    setMeta: ext.prepare('INSERT OR REPLACE INTO spn_delivery_meta (key, value) VALUES (?, ?)'),
    addRoot: ext.prepare(
      'INSERT OR IGNORE INTO spn_inbox_roots (src, settlement_index, root, start_index, leaf_count, status) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    rootsToFetch: ext.prepare(
      "SELECT * FROM spn_inbox_roots WHERE status = 'fetch' ORDER BY src, settlement_index LIMIT 16",
    ),
    rootReady: ext.prepare(
      "UPDATE spn_inbox_roots SET status = 'ready' WHERE src = ? AND settlement_index = ?",
    ),
    addMessage: ext.prepare(
      "INSERT OR IGNORE INTO spn_inbox (src, position, root, settlement_index, message, siblings, status) VALUES (?, ?, ?, ?, ?, ?, 'queued')",
    ),
    queued: ext.prepare("SELECT * FROM spn_inbox WHERE status = 'queued' ORDER BY src, position LIMIT ?"),
    setStatus: ext.prepare(
      'UPDATE spn_inbox SET status = ?, tx_hash = ?, block = ?, error = ? WHERE src = ? AND position = ?',
    ),
    attempt: ext.prepare(
      'UPDATE spn_inbox SET attempts = attempts + 1, error = ? WHERE src = ? AND position = ?',
    ),
    attempts: ext.prepare('SELECT attempts FROM spn_inbox WHERE src = ? AND position = ?').pluck(),
    counts: ext.prepare('SELECT status, COUNT(*) AS n FROM spn_inbox GROUP BY status'),
    all: ext.prepare('SELECT * FROM spn_inbox ORDER BY src, position'),
    byStatus: ext.prepare('SELECT * FROM spn_inbox WHERE status = ? ORDER BY src, position'),
    requeue: ext.prepare(
      "UPDATE spn_inbox SET status = 'queued', attempts = 1 WHERE src = ? AND position = ?",
    ),
  }
  return {
    transaction: ext.transaction,
    /** The main-net block the follower has read up to (-1 before the first round). */
    cursor(): bigint {
      const value = st.getMeta.get('mainnetBlock') as string | undefined
      return value === undefined ? -1n : BigInt(value)
    },
    /** Records the finalized roots of main-net blocks up to `to` (other SPNs' only) and moves the cursor. */
    recordRoots(events: readonly FinalizedRootEvent[], to: bigint): void {
      ext.transaction(() => {
        for (const a of events)
          st.addRoot.run(
            Number(a.spnId),
            Number(a.settlementIndex),
            a.exitRoot.toLowerCase(),
            Number(a.startIndex),
            Number(a.leafCount),
            a.leafCount > 0n ? 'fetch' : 'ready',
          )
        st.setMeta.run('mainnetBlock', to.toString())
      })
    },
    rootsToFetch: (): InboxRootRow[] => st.rootsToFetch.all() as InboxRootRow[],
    /** Queues the checked messages of `root`'s batch addressed to `me`, and marks the root done; returns how many. */
    addChecked(root: InboxRootRow, checked: readonly CheckedExitMessage[], me: bigint): number {
      let mine = 0
      ext.transaction(() => {
        for (const c of checked) {
          if (c.message.dstSpn !== me) continue
          mine++
          st.addMessage.run(
            root.src,
            Number(c.position),
            root.root,
            root.settlement_index,
            json(c.message satisfies ExitMessage),
            json(c.siblings),
          )
        }
        st.rootReady.run(root.src, root.settlement_index)
      })
      return mine
    },
    queued: (limit: number): InboxRow[] => st.queued.all(limit) as InboxRow[],
    setStatus(
      src: number,
      position: number,
      status: InboxStatus,
      txHash: string | null,
      block: number | null,
      error: string | null,
    ): void {
      st.setStatus.run(status, txHash, block, error, src, position)
    },
    /** Counts a reverted attempt with its reason; returns the attempts so far. */
    attempt(src: number, position: number, reason: string): number {
      st.attempt.run(reason, src, position)
      return (st.attempts.get(src, position) as number | undefined) ?? 0
    },
    counts: () => st.counts.all() as { status: InboxStatus; n: number }[],
    messages(filter: { status?: InboxStatus } = {}): InboxMessage[] {
      const rows = (filter.status ? st.byStatus.all(filter.status) : st.all.all()) as InboxRow[]
      return rows.map((r) => {
        const m = inboxRowMessage(r)
        return {
          srcSpn: BigInt(r.src),
          position: BigInt(r.position),
          sender: m.sender,
          to: m.to,
          value: BigInt(m.value),
          data: m.data,
          root: r.root as Hash,
          settlementIndex: BigInt(r.settlement_index),
          status: r.status,
          txHash: (r.tx_hash ?? undefined) as Hash | undefined,
          block: r.block === null ? undefined : BigInt(r.block),
          error: r.error ?? undefined,
        }
      })
    },
    requeue(srcSpn: bigint, position: bigint): void {
      st.requeue.run(Number(srcSpn), Number(position))
    },
  }
}
