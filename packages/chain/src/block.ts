import { type Address, concat, type Hex, keccak256, numberToHex, toRlp, zeroHash } from 'viem'

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

/**
 * Root over an ordered list of encoded items: keccak256 of their RLP list.
 * (Not Ethereum's Patricia trie root: no client of this chain verifies one,
 * and a flat list hash costs one keccak per block.)
 */
export function listRoot(items: readonly Hex[]): Hex {
  return keccak256(toRlp(items as Hex[]))
}

/** The RANDAO value a block exposes to PREVRANDAO: derived from its parent and number. */
export function prevRandaoOf(parentHash: Hex, number: bigint): Hex {
  return keccak256(concat([parentHash, numberToHex(number, { size: 32 })]))
}

export { zeroHash as ZERO_HASH }
