import { type Log, LogsBloom, type Receipt } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import { type BlockHeader, EMPTY_BLOOM } from './block.js'

/** JSON forms of headers and receipts as stored (bigints as 0x hex). */
export type HeaderJSON = Record<keyof BlockHeader, string>

const HEADER_BIGINTS = ['number', 'timestamp', 'gasUsed', 'gasLimit', 'baseFeePerGas'] as const

export function headerToJSON(h: BlockHeader): string {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(h)) out[k] = typeof v === 'bigint' ? `0x${v.toString(16)}` : String(v)
  return JSON.stringify(out)
}

export function headerFromJSON(s: string): BlockHeader {
  const o = JSON.parse(s) as Record<string, string>
  const h: Record<string, unknown> = { ...o }
  for (const k of HEADER_BIGINTS) h[k] = BigInt(o[k] as string)
  return h as BlockHeader
}

/** The receipt fields a store writes (the others come from the transaction row, the bloom from the logs). */
export type StoredReceiptFields = Pick<
  Receipt,
  | 'status'
  | 'gasUsed'
  | 'cumulativeGasUsed'
  | 'effectiveGasPrice'
  | 'contractAddress'
  | 'logs'
  | 'revertData'
  | 'vm'
  | 'depositNonce'
>

type ReceiptJSON = {
  status: 0 | 1
  gasUsed: string
  cumulativeGasUsed: string
  effectiveGasPrice: string
  contractAddress: Address | null
  /** Written by schema 2 stores; since schema 3 derived from `logs` on read. */
  logsBloom?: Hex
  revertData: Hex
  vm: 'evm' | 'wasm'
  logs: Log[]
}

/**
 * Receipt fields not derivable from the transaction row. The bloom is left out (it is the bloom of the
 * logs, recomputed on read): its 512 hex digits were most of a stored receipt and a third of a block
 * commit's time.
 */
export function receiptToJSON(r: StoredReceiptFields): string {
  const o: ReceiptJSON = {
    status: r.status,
    gasUsed: `0x${r.gasUsed.toString(16)}`,
    cumulativeGasUsed: `0x${r.cumulativeGasUsed.toString(16)}`,
    effectiveGasPrice: `0x${r.effectiveGasPrice.toString(16)}`,
    contractAddress: r.contractAddress,
    revertData: r.revertData,
    vm: r.vm,
    logs: r.logs,
  }
  return JSON.stringify(o)
}

export function receiptFromJSON(
  s: string,
  tx: { hash: Hex; index: number; from: Address; to: Address | null },
): Receipt {
  const o = JSON.parse(s) as ReceiptJSON
  return {
    transactionHash: tx.hash,
    transactionIndex: tx.index,
    from: tx.from,
    to: tx.to,
    status: o.status,
    gasUsed: BigInt(o.gasUsed),
    cumulativeGasUsed: BigInt(o.cumulativeGasUsed),
    effectiveGasPrice: BigInt(o.effectiveGasPrice),
    contractAddress: o.contractAddress,
    logs: o.logs,
    logsBloom: o.logsBloom ?? (o.logs.length ? LogsBloom.ofLogs(o.logs).toHex() : EMPTY_BLOOM),
    revertData: o.revertData,
    vm: o.vm,
  }
}
