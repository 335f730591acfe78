import type { WriteSet } from '@rollup-mesh/core'
import { numberToHex } from 'viem'
import { encodeHeader, type StoredHeader } from './block.js'
import { headerToJSON } from './codec.js'
import { ChainStoreError } from './errors.js'
import type { StateChangesSince } from './stateHistory.js'
import { normSlot, rowToHeader, storedReceipt } from './storeRows.js'
import type { ChainStatements } from './storeStatements.js'
import type { BlockCommit } from './storeTypes.js'

/** A block's size in bytes as stored (its encoded header and raw transactions). */
export function blockSizeOf(c: Pick<BlockCommit, 'header' | 'txs'>): number {
  let size = (encodeHeader(c.header).length - 2) / 2
  for (const t of c.txs) size += (t.raw.length - 2) / 2
  return size
}

/** The header as the store will read it back once `c` is committed (what the block thread serves before). */
export function storedHeaderOf(c: Pick<BlockCommit, 'header' | 'hash' | 'txs'>): StoredHeader {
  // the same JSON round trip as a read of the row, so both are equal field for field
  return rowToHeader({
    number: Number(c.header.number),
    hash: c.hash.toLowerCase(),
    header: headerToJSON(c.header),
    tx_count: c.txs.length,
    size: blockSizeOf(c),
  })
}

/** Writes a block's header row, its transactions with their receipts, and its logs (inside the caller's transaction). */
export function insertBlockRows(st: ChainStatements, c: BlockCommit): void {
  const n = Number(c.header.number)
  const size = blockSizeOf(c)
  st.insertBlock.run(n, c.hash.toLowerCase(), headerToJSON(c.header), c.txs.length, size)
  let logIndex = 0
  c.txs.forEach((t, i) => {
    const r = c.receipts[i]
    if (!r) throw new ChainStoreError(`Block ${n} has no receipt for transaction ${i}.`)
    st.insertTx.run(t.hash, n, i, t.raw, t.from, t.to, storedReceipt(r), logIndex)
    for (const log of r.logs) {
      const tp = log.topics
      st.insertLog.run(
        n,
        logIndex++,
        i,
        t.hash,
        log.address.toLowerCase(),
        tp[0] ?? null,
        tp[1] ?? null,
        tp[2] ?? null,
        tp[3] ?? null,
        log.data,
      )
    }
  })
}

/** Applies a write set to the head state tables: code, accounts (null deletes the account and its storage), slots (zero deletes). */
export function applyWriteSet(st: ChainStatements, ws: WriteSet): void {
  for (const [hash, code] of ws.code) st.putCode.run(hash.toLowerCase(), code)
  for (const [addr, acc] of ws.accounts) {
    const a = addr.toLowerCase()
    if (acc === null) {
      st.deleteAccount.run(a)
      st.deleteStorageOf.run(a)
    } else st.putAccount.run(a, numberToHex(acc.nonce), numberToHex(acc.balance), acc.codeHash, acc.vm)
  }
  for (const [addr, slots] of ws.storage) {
    const a = addr.toLowerCase()
    for (const [slot, value] of slots) {
      const s = slot.toLowerCase()
      if (BigInt(value) === 0n) st.deleteSlot.run(a, s)
      else st.putSlot.run(a, s, normSlot(value))
    }
  }
}

/** Puts back the accounts and slots a rewind restores (null or zero deletes). */
export function restoreChanges(st: ChainStatements, changes: StateChangesSince): void {
  for (const [a, acc] of changes.accounts) {
    if (acc === null) st.deleteAccount.run(a)
    else st.putAccount.run(a, numberToHex(acc.nonce), numberToHex(acc.balance), acc.codeHash, acc.vm)
  }
  for (const [a, slot, value] of changes.storage) {
    if (value === null || BigInt(value) === 0n) st.deleteSlot.run(a, slot)
    else st.putSlot.run(a, slot, value)
  }
}
