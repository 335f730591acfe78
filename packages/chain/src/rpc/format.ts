import type { Receipt } from '@rollup-mesh/core'
import { type Hex, numberToHex } from 'viem'
import { prevRandaoOf, type StoredHeader } from '../block.js'
import type { StoredLog, StoredTx } from '../storeTypes.js'
import { type SignedTx, signedTxWithSender, txTypeOfRaw } from '../tx.js'

const q = (n: bigint | number): Hex => numberToHex(n)
const EMPTY_UNCLES: Hex = '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347'
const TYPE = { legacy: '0x0', eip2930: '0x1', eip1559: '0x2', deposit: '0x7e' } as const

/** A block as eth_getBlockBy* returns it; `transactions` are hashes or full objects. */
export function formatBlock(h: StoredHeader, transactions: readonly (Hex | Record<string, unknown>)[]) {
  return {
    number: q(h.number),
    hash: h.hash,
    parentHash: h.parentHash,
    nonce: '0x0000000000000000',
    sha3Uncles: EMPTY_UNCLES,
    logsBloom: h.logsBloom,
    transactionsRoot: h.transactionsRoot,
    stateRoot: h.stateRoot,
    receiptsRoot: h.receiptsRoot,
    miner: h.coinbase,
    difficulty: '0x0',
    totalDifficulty: '0x0',
    extraData: h.extraData,
    size: q(h.size),
    gasLimit: q(h.gasLimit),
    gasUsed: q(h.gasUsed),
    timestamp: q(h.timestamp),
    baseFeePerGas: q(h.baseFeePerGas),
    mixHash: prevRandaoOf(h.parentHash, h.number),
    exitRoot: h.exitRoot,
    uncles: [],
    transactions,
  }
}

/** A transaction object; block fields are null while pending. */
export function formatTx(
  tx: SignedTx,
  pos: { blockHash: Hex; blockNumber: bigint; index: number; baseFee: bigint } | null,
): Record<string, unknown> {
  if (tx.type === 'deposit') return formatDepositTx(tx, pos)
  const out: Record<string, unknown> = {
    hash: tx.hash,
    type: TYPE[tx.type],
    nonce: q(tx.nonce),
    blockHash: pos?.blockHash ?? null,
    blockNumber: pos ? q(pos.blockNumber) : null,
    transactionIndex: pos ? q(pos.index) : null,
    from: tx.from,
    to: tx.to,
    value: q(tx.value),
    gas: q(tx.gas),
    input: tx.data,
    chainId: q(tx.chainId),
    // geth and anvil: a typed transaction's `v` is its y parity (27/28 belong to legacy signatures).
    v: q(tx.type === 'legacy' ? tx.v : tx.yParity),
    r: tx.r,
    s: tx.s,
  }
  if (tx.type === 'eip1559') {
    out.maxFeePerGas = q(tx.feeCap)
    out.maxPriorityFeePerGas = q(tx.tipCap)
    const tip = tx.feeCap - (pos?.baseFee ?? 0n) < tx.tipCap ? tx.feeCap - (pos?.baseFee ?? 0n) : tx.tipCap
    out.gasPrice = pos ? q(pos.baseFee + tip) : q(tx.feeCap)
  } else out.gasPrice = q(tx.feeCap)
  if (tx.type !== 'legacy') {
    out.accessList = tx.accessList ?? []
    out.yParity = q(tx.yParity)
  }
  return out
}

/**
 * A stored (mined) transaction as `eth_getTransactionByHash` returns it; a deposit gets the nonce it used
 * (kept in its receipt).
 */
export function formatStoredTx(chainId: bigint, t: StoredTx, h: StoredHeader): Record<string, unknown> {
  const tx = signedTxWithSender(t.raw, chainId, t.from)
  if (t.depositNonce !== undefined) tx.nonce = t.depositNonce
  return formatTx(tx, { blockHash: h.hash, blockNumber: h.number, index: t.index, baseFee: h.baseFeePerGas })
}

/**
 * A deposit as op-geth returns it: type 0x7e with `sourceHash`, `mint`, `isSystemTx`, gas price 0 and
 * zero signature values; `nonce` is the one the deposit used (its receipt's `depositNonce`).
 */
function formatDepositTx(
  tx: SignedTx,
  pos: { blockHash: Hex; blockNumber: bigint; index: number } | null,
): Record<string, unknown> {
  return {
    hash: tx.hash,
    type: TYPE.deposit,
    sourceHash: tx.sourceHash,
    nonce: q(tx.nonce),
    blockHash: pos?.blockHash ?? null,
    blockNumber: pos ? q(pos.blockNumber) : null,
    transactionIndex: pos ? q(pos.index) : null,
    from: tx.from,
    to: tx.to,
    mint: q(tx.mint ?? 0n),
    value: q(tx.value),
    gas: q(tx.gas),
    gasPrice: '0x0',
    input: tx.data,
    isSystemTx: false,
    v: '0x0',
    r: '0x0',
    s: '0x0',
  }
}

export function formatLog(l: StoredLog) {
  return {
    address: l.address,
    topics: l.topics,
    data: l.data,
    blockNumber: q(l.blockNumber),
    blockHash: l.blockHash,
    transactionHash: l.transactionHash,
    transactionIndex: q(l.transactionIndex),
    logIndex: q(l.logIndex),
    removed: false,
  }
}

/** A receipt; `firstLogIndex` is the block-wide index of its first log. */
export function formatReceipt(
  r: Receipt,
  tx: { type: SignedTx['type'] },
  block: { hash: Hex; number: bigint },
  firstLogIndex: number,
) {
  return {
    transactionHash: r.transactionHash,
    transactionIndex: q(r.transactionIndex),
    blockHash: block.hash,
    blockNumber: q(block.number),
    from: r.from,
    to: r.to,
    cumulativeGasUsed: q(r.cumulativeGasUsed),
    gasUsed: q(r.gasUsed),
    effectiveGasPrice: q(r.effectiveGasPrice),
    contractAddress: r.contractAddress,
    logs: r.logs.map((l, i) =>
      formatLog({
        address: l.address.toLowerCase() as Hex,
        topics: l.topics,
        data: l.data,
        blockNumber: block.number,
        blockHash: block.hash,
        transactionHash: r.transactionHash,
        transactionIndex: r.transactionIndex,
        logIndex: firstLogIndex + i,
      }),
    ),
    logsBloom: r.logsBloom,
    status: r.status === 1 ? '0x1' : '0x0',
    type: TYPE[tx.type],
    // op-geth (Canyon): deposits' receipts carry the nonce they used and the receipt version.
    ...(tx.type === 'deposit' ? { depositNonce: q(r.depositNonce ?? 0n), depositReceiptVersion: '0x1' } : {}),
  }
}

/** The receipt of a stored transaction as `eth_getTransactionReceipt` returns it. */
export function formatStoredReceipt(found: { tx: StoredTx; receipt: Receipt; firstLogIndex: number }) {
  const { tx, receipt, firstLogIndex } = found
  return formatReceipt(
    receipt,
    { type: txTypeOfRaw(tx.raw) },
    { hash: tx.blockHash, number: tx.blockNumber },
    firstLogIndex,
  )
}

/** A header as `newHeads` publishes it (a block without transactions). */
export function formatHead(h: StoredHeader) {
  const { transactions: _t, ...head } = formatBlock(h, [])
  return head
}
