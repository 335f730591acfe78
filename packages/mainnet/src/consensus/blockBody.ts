import {
  type BlockHeader,
  decodeDepositTx,
  decodeSignedTx,
  encodeHeader,
  isDepositRaw,
  type SignedTx,
} from '@rollup-mesh/chain'
import { keccak256 } from '@rollup-mesh/core'
import { type Address, fromRlp, type Hex, hexToBigInt, hexToBytes, toHex } from 'viem'
import { InvalidProposalBodyError } from './errors.js'

const HASH = /^0x[0-9a-f]{64}$/

/** The chain header as it travels with a proposal: the chain's RLP encoding (`encodeHeader`). */
export function encodeBlockHeader(h: BlockHeader): Uint8Array {
  return hexToBytes(encodeHeader(h))
}

/**
 * Strict decoding of a proposal's header: 13 byte strings, 32-byte hashes, a 20-byte coinbase, a 256-byte
 * bloom, minimal integers. Throws `InvalidProposalBodyError` naming the field.
 */
export function decodeBlockHeader(bytes: Uint8Array): BlockHeader {
  let items: unknown
  try {
    items = fromRlp(toHex(bytes), 'hex')
  } catch {
    throw new InvalidProposalBodyError('header', 'canonical RLP')
  }
  if (!Array.isArray(items) || items.length !== 13 || items.some((i) => typeof i !== 'string'))
    throw new InvalidProposalBodyError('header', 'an RLP list of 13 byte strings')
  const f = items as Hex[]
  const hash = (i: number, name: string): Hex => {
    const v = (f[i] as Hex).toLowerCase() as Hex
    if (!HASH.test(v)) throw new InvalidProposalBodyError(name, 'a 32-byte hash')
    return v
  }
  const int = (i: number, name: string): bigint => {
    const v = f[i] as Hex
    if (v === '0x') return 0n
    if (v.startsWith('0x00') || v.length > 66) throw new InvalidProposalBodyError(name, 'a minimal integer')
    return hexToBigInt(v)
  }
  const coinbase = (f[3] as Hex).toLowerCase()
  if (!/^0x[0-9a-f]{40}$/.test(coinbase)) throw new InvalidProposalBodyError('coinbase', 'a 20-byte address')
  const logsBloom = (f[7] as Hex).toLowerCase() as Hex
  if (logsBloom.length !== 2 + 512) throw new InvalidProposalBodyError('logsBloom', '256 bytes')
  return {
    parentHash: hash(0, 'parentHash'),
    number: int(1, 'number'),
    timestamp: int(2, 'timestamp'),
    coinbase: coinbase as Address,
    stateRoot: hash(4, 'stateRoot'),
    transactionsRoot: hash(5, 'transactionsRoot'),
    receiptsRoot: hash(6, 'receiptsRoot'),
    logsBloom,
    gasUsed: int(8, 'gasUsed'),
    gasLimit: int(9, 'gasLimit'),
    baseFeePerGas: int(10, 'baseFeePerGas'),
    exitRoot: hash(11, 'exitRoot'),
    extraData: (f[12] as Hex).toLowerCase() as Hex,
  }
}

/**
 * One raw transaction of a proposed or synced block: a signed transaction (sender recovered) or a system
 * transaction (deposit, 0x7e: evidence), which `decodeSignedTx` refuses as users may not send one;
 * `checkBlockEvidence` decides whether a block's system transactions are allowed.
 */
export function decodeBlockTx(raw: Hex, chainId: bigint): Promise<SignedTx> {
  return isDepositRaw(raw) ? Promise.resolve(decodeDepositTx(raw, chainId)) : decodeSignedTx(raw, chainId)
}

/**
 * The transactions of a proposed block, each taken from this node's pool when the pool holds the same bytes
 * (its sender was recovered when it arrived, by RPC or tx gossip) and decoded with `decodeBlockTx`
 * otherwise: with 1,000-transaction blocks, recovering every sender again was ~1.3 s of one core per block
 * on every validator.
 */
export function decodeProposedTxs(
  raws: readonly Hex[],
  chainId: bigint,
  pooled: (hash: Hex) => SignedTx | undefined,
): Promise<SignedTx[]> {
  return Promise.all(
    raws.map((raw) => {
      const tx = isDepositRaw(raw) ? undefined : pooled(keccak256(raw))
      return tx && tx.raw.toLowerCase() === raw.toLowerCase() ? tx : decodeBlockTx(raw, chainId)
    }),
  )
}
