import { type Address, type Hex, numberToHex } from 'viem'
import type { StoredHeader } from './block.js'
import { headerFromJSON, receiptToJSON, type StoredReceiptFields } from './codec.js'
import type { StoredTx } from './storeTypes.js'

export type BlockRow = { number: number; hash: string; header: string; tx_count: number; size: number }
export type TxRow = {
  hash: string
  block_number: number
  idx: number
  raw: string
  sender: string
  recipient: string | null
  receipt: string
  first_log: number | null
  block_hash: string
}
export type LogRow = {
  block_number: number
  log_index: number
  tx_index: number
  tx_hash: string
  address: string
  topic0: string | null
  topic1: string | null
  topic2: string | null
  topic3: string | null
  data: string
  block_hash: string
}
export type AccountRow = {
  address: string
  nonce: string
  balance: string
  code_hash: string
  vm: 'evm' | 'wasm'
}

/** Slots are stored as 32-byte lower-case hex. */
export function normSlot(slot: Hex): Hex {
  if (slot.length === 66) return slot.toLowerCase() as Hex
  return `0x${slot.slice(2).padStart(64, '0').toLowerCase()}` as Hex
}

/**
 * Only the fields `storedReceipt` and the logs table use, as a new object: what a receipt costs to send to
 * the commit writer (the hash, index, sender, recipient and the 512-digit bloom stay behind; structured
 * cloning writes every key of every object).
 */
export function storedReceiptFields(r: StoredReceiptFields): StoredReceiptFields {
  const o: StoredReceiptFields = {
    status: r.status,
    gasUsed: r.gasUsed,
    cumulativeGasUsed: r.cumulativeGasUsed,
    effectiveGasPrice: r.effectiveGasPrice,
    contractAddress: r.contractAddress,
    logs: r.logs,
    revertData: r.revertData,
    vm: r.vm,
  }
  if (r.depositNonce !== undefined) o.depositNonce = r.depositNonce
  return o
}

export function rowToHeader(row: BlockRow): StoredHeader {
  return { ...headerFromJSON(row.header), hash: row.hash as Hex, txCount: row.tx_count, size: row.size }
}

/** The receipt column: codec's JSON, plus `depositNonce` for deposits. */
export function storedReceipt(r: StoredReceiptFields): string {
  const json = receiptToJSON(r)
  if (r.depositNonce === undefined) return json
  return JSON.stringify({ ...JSON.parse(json), depositNonce: numberToHex(r.depositNonce) })
}

export function rowToTx(r: TxRow): StoredTx {
  const tx: StoredTx = {
    hash: r.hash as Hex,
    raw: r.raw as Hex,
    from: r.sender as Address,
    to: r.recipient as Address | null,
    blockNumber: BigInt(r.block_number),
    blockHash: r.block_hash as Hex,
    index: r.idx,
  }
  if (r.raw.startsWith('0x7e')) {
    const nonce = (JSON.parse(r.receipt) as { depositNonce?: string }).depositNonce
    if (nonce !== undefined) tx.depositNonce = BigInt(nonce)
  }
  return tx
}
