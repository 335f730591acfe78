import type { BlockExecutionResult, Receipt, WriteSet } from '@rollup-mesh/core'
import type { Hex } from 'viem'

/** Where two executions of one block first disagree. */
export type ResultMismatch = {
  /** Index of the first differing transaction in the block's input order, when one can be named. */
  txIndex: number | undefined
  txHash: Hex | undefined
  /** The first differing field, e.g. `receipts[3].gasUsed`, `stateRoot`, `writeSet.storage`. */
  field: string
  expected: string
  actual: string
}

const show = (value: unknown): string =>
  JSON.stringify(value, (_, v) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `0x..${v.length}` : v,
  )

const RECEIPT_FIELDS: readonly (keyof Receipt)[] = [
  'transactionHash',
  'transactionIndex',
  'from',
  'to',
  'status',
  'gasUsed',
  'cumulativeGasUsed',
  'effectiveGasPrice',
  'contractAddress',
  'logsBloom',
  'revertData',
  'vm',
  'logs',
  'depositNonce',
]

/** The write set in a canonical form (sorted), so two write sets compare by content. */
export function canonicalWriteSet(ws: WriteSet): string {
  const accounts = [...ws.accounts].sort(([a], [b]) => (a < b ? -1 : 1))
  const storage = [...ws.storage]
    .map(([address, slots]) => [address, [...slots].sort(([a], [b]) => (a < b ? -1 : 1))] as const)
    .filter(([, slots]) => slots.length > 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
  const code = [...ws.code]
    .map(([h, c]) => [h, Buffer.from(c).toString('hex')])
    .sort(([a], [b]) => (a! < b! ? -1 : 1))
  return show({ accounts, storage, code })
}

/**
 * Compares two results of the same block (serial as `expected`) and returns
 * the first difference: receipts and skipped transactions in order first, so
 * the offending transaction is named, then gas, bloom, state root, write set.
 */
export function compareBlockResults(
  txHashes: readonly Hex[],
  expected: BlockExecutionResult,
  actual: BlockExecutionResult,
): ResultMismatch | undefined {
  // Walk the input order: each tx is either included (a receipt) or skipped in both.
  const expectedByHash = new Map<Hex, Receipt | string>()
  const actualByHash = new Map<Hex, Receipt | string>()
  for (const r of expected.receipts) expectedByHash.set(r.transactionHash, r)
  for (const s of expected.skipped) expectedByHash.set(s.hash, `skipped: ${s.reason}`)
  for (const r of actual.receipts) actualByHash.set(r.transactionHash, r)
  for (const s of actual.skipped) actualByHash.set(s.hash, `skipped: ${s.reason}`)
  for (let i = 0; i < txHashes.length; i++) {
    const hash = txHashes[i] as Hex
    const e = expectedByHash.get(hash)
    const a = actualByHash.get(hash)
    const mismatch = (field: string, ev: unknown, av: unknown): ResultMismatch => ({
      txIndex: i,
      txHash: hash,
      field,
      expected: show(ev),
      actual: show(av),
    })
    if (typeof e !== 'object' || typeof a !== 'object') {
      if (show(e) !== show(a)) return mismatch('outcome', e, a)
      continue
    }
    for (const field of RECEIPT_FIELDS) {
      if (show(e[field]) !== show(a[field])) return mismatch(`receipt.${field}`, e[field], a[field])
    }
  }
  const top = (field: string, ev: unknown, av: unknown): ResultMismatch | undefined =>
    show(ev) === show(av)
      ? undefined
      : { txIndex: undefined, txHash: undefined, field, expected: show(ev), actual: show(av) }
  return (
    top(
      'included',
      expected.included.map((t) => t.hash),
      actual.included.map((t) => t.hash),
    ) ??
    top('gasUsed', expected.gasUsed, actual.gasUsed) ??
    top('logsBloom', expected.logsBloom, actual.logsBloom) ??
    top('stateRoot', expected.stateRoot, actual.stateRoot) ??
    top('writeSet', canonicalWriteSet(expected.writeSet), canonicalWriteSet(actual.writeSet))
  )
}
