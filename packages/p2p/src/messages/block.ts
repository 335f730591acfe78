import { bytesToHex, type Hex, hexToBytes } from '@rollup-mesh/core'
import { asBytes, asList, type RLPItem, rlpDecode, rlpEncode } from '../rlp.js'
import { headerFromRLP, headerToRLP, type SignedHeader } from './header.js'
import { checkSize, MESSAGE_LIMITS } from './limits.js'

/** A block as served by sync: the signed header and its raw signed Ethereum transactions. */
export type Block = { header: SignedHeader; txs: Hex[] }

export function blockToRLP(block: Block): unknown[] {
  return [headerToRLP(block.header), block.txs.map((t) => hexToBytes(t))]
}

export function blockFromRLP(item: RLPItem | undefined): Block {
  const what = 'block'
  const f = asList(what, '(root)', item, 2)
  const header = headerFromRLP(f[0], 'block header')
  const txs = asList(what, 'txs', f[1]).map((t, i) =>
    bytesToHex(asBytes(what, `txs[${i}]`, t, MESSAGE_LIMITS.tx)),
  )
  return { header, txs }
}

export function encodeBlock(block: Block): Uint8Array {
  return rlpEncode(blockToRLP(block))
}

export function decodeBlock(data: Uint8Array): Block {
  checkSize('block', data, MESSAGE_LIMITS.block)
  return blockFromRLP(rlpDecode('block', data))
}
