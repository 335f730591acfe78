import type { ChainStore, SettlementHeader, StoreExtension } from '@rollup-mesh/chain'
import type { Hash } from 'viem'

/**
 * The settlements this SPN built (`spn_settlements`: one row per batch, written before it is sent, so a
 * crash re-sends the same settlement). Version 1 is the layout the first release created by hand
 * (`IF NOT EXISTS`: a data dir of that release is adopted as it is).
 */
export const settlementRecordsExtension: StoreExtension = {
  name: 'spn_settlements',
  migrations: [
    (db) =>
      db.exec(`CREATE TABLE IF NOT EXISTS spn_settlements (
        batch INTEGER PRIMARY KEY, header TEXT NOT NULL, proof TEXT NOT NULL, signals TEXT NOT NULL,
        quote TEXT NOT NULL, status TEXT NOT NULL, tx_hash TEXT)`),
  ],
}

/** A settlement as stored: header JSON (quantities as decimal strings), proof, public signals, TEE quote. */
export type SettlementRow = {
  batch: number
  header: string
  proof: string
  signals: string
  quote: string
  status: string
  tx_hash: string | null
}

/** The settlement rows' reads and writes, over statements prepared once. */
export type SettlementRecords = ReturnType<typeof openSettlementRecords>

export function headerOfRow(row: SettlementRow): SettlementHeader {
  const h = JSON.parse(row.header) as Record<string, string>
  return {
    spnId: BigInt(h.spnId as string),
    fromBlock: BigInt(h.fromBlock as string),
    toBlock: BigInt(h.toBlock as string),
    prevStateRoot: h.prevStateRoot as Hash,
    newStateRoot: h.newStateRoot as Hash,
    prevExitRoot: h.prevExitRoot as Hash,
    newExitRoot: h.newExitRoot as Hash,
    startIndex: BigInt(h.startIndex as string),
    leafCount: BigInt(h.leafCount as string),
  }
}

/** Registers the settlement table in `store` (creating or upgrading it) and prepares its statements. */
export function openSettlementRecords(store: ChainStore) {
  const ext = store.registerExtension(settlementRecordsExtension)
  const st = {
    row: ext.prepare('SELECT * FROM spn_settlements WHERE batch = ?'),
    all: ext.prepare('SELECT * FROM spn_settlements ORDER BY batch'),
    insert: ext.prepare(
      'INSERT INTO spn_settlements (batch, header, proof, signals, quote, status, tx_hash) VALUES (@batch, @header, @proof, @signals, @quote, @status, @tx_hash)',
    ),
    accepted: ext.prepare(
      "UPDATE spn_settlements SET status = 'accepted' WHERE batch = ? AND status != 'accepted'",
    ),
    txHash: ext.prepare('UPDATE spn_settlements SET tx_hash = ? WHERE batch = ?'),
  }
  return {
    row: (batch: number): SettlementRow | undefined => st.row.get(batch) as SettlementRow | undefined,
    all: (): SettlementRow[] => st.all.all() as SettlementRow[],
    insert(row: SettlementRow): void {
      st.insert.run(row)
    },
    markAccepted(batch: number): void {
      st.accepted.run(batch)
    },
    setTxHash(batch: number, hash: Hash): void {
      st.txHash.run(hash, batch)
    },
  }
}
