import { createHash } from 'node:crypto'
import type { Log } from '@rollup-mesh/core'
import { keccak256 } from '@rollup-mesh/core'
import { type Address, concat, type Hex, numberToHex, toRlp, zeroHash } from 'viem'

/**
 * A block header. Field order is the RLP order `hashHeader` commits to.
 * `exitRoot` is the zero hash until settlement lands.
 */
export type BlockHeader = {
  parentHash: Hex
  number: bigint
  timestamp: bigint
  coinbase: Address
  stateRoot: Hex
  transactionsRoot: Hex
  receiptsRoot: Hex
  logsBloom: Hex
  gasUsed: bigint
  gasLimit: bigint
  baseFeePerGas: bigint
  exitRoot: Hex
  extraData: Hex
}

/** A header with its hash, as the store returns it. */
export type StoredHeader = BlockHeader & { hash: Hex; txCount: number; size: number }

/** 2048-bit bloom with no bits set. */
export const EMPTY_BLOOM: Hex = `0x${'00'.repeat(256)}`

function q(n: bigint): Hex {
  // RLP integers are minimal big-endian: zero is the empty string.
  return n === 0n ? '0x' : numberToHex(n)
}

/** The RLP encoding of a header (13 fields, `BlockHeader` order). */
export function encodeHeader(h: BlockHeader): Hex {
  return toRlp([
    h.parentHash,
    q(h.number),
    q(h.timestamp),
    h.coinbase.toLowerCase() as Hex,
    h.stateRoot,
    h.transactionsRoot,
    h.receiptsRoot,
    h.logsBloom,
    q(h.gasUsed),
    q(h.gasLimit),
    q(h.baseFeePerGas),
    h.exitRoot,
    h.extraData,
  ])
}

/** keccak256 of the RLP header: the block hash. */
export function hashHeader(h: BlockHeader): Hex {
  return keccak256(encodeHeader(h))
}

function sha256Hex(parts: readonly Buffer[]): Hex {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return `0x${h.digest('hex')}`
}

const hexBuf = (h: Hex): Buffer => Buffer.from(h.slice(2), 'hex')

/**
 * The transactions root: sha256 over the block's 32-byte transaction hashes in
 * order. (A flat commitment, not Ethereum's trie root: JS keccak over every
 * raw transaction cost ~0.2 ms per transaction here; node:crypto's sha256 over
 * the hashes already computed at acceptance costs microseconds.)
 */
export function transactionsRootOf(txHashes: readonly Hex[]): Hex {
  return sha256Hex(txHashes.map(hexBuf))
}

/**
 * The receipts root: sha256 over each receipt's status, cumulative gas and
 * logs (address, topics, data), length-prefixed, in order. The bloom is left
 * out: it is derived from the logs.
 */
export function receiptsRootOf(
  receipts: readonly { status: number; cumulativeGasUsed: bigint; logs: readonly Log[] }[],
): Hex {
  const parts: Buffer[] = []
  for (const r of receipts) {
    const head = Buffer.alloc(13)
    head.writeUInt8(r.status, 0)
    head.writeBigUInt64BE(r.cumulativeGasUsed, 1)
    head.writeUInt32BE(r.logs.length, 9)
    parts.push(head)
    for (const l of r.logs) {
      const data = hexBuf(l.data)
      const meta = Buffer.alloc(5)
      meta.writeUInt8(l.topics.length, 0)
      meta.writeUInt32BE(data.length, 1)
      parts.push(hexBuf(l.address), meta, ...l.topics.map(hexBuf), data)
    }
  }
  return sha256Hex(parts)
}

/** The RANDAO value a block exposes to PREVRANDAO: derived from its parent and number. */
export function prevRandaoOf(parentHash: Hex, number: bigint): Hex {
  return keccak256(concat([parentHash, numberToHex(number, { size: 32 })]))
}

export { zeroHash as ZERO_HASH }
