import { bytesToHex, type Hex, hexToBytes } from '@rollup-mesh/core'
import { asBytes, asList, asUint, type RLPItem } from '../rlp.js'
import { MESSAGE_LIMITS } from './limits.js'

/**
 * A finalized main-net block as commit sync serves it: the full chain header (its RLP, what the block hash
 * is computed from), the raw signed transactions and the encoded commit certificate. The receiver checks the
 * certificate against its validator set and re-executes the block before committing it.
 */
export type CommittedBlock = { number: bigint; header: Uint8Array; txs: Hex[]; certificate: Uint8Array }

export function committedBlockToRLP(b: CommittedBlock): unknown[] {
  return [b.number, b.header, b.txs.map((t) => hexToBytes(t)), b.certificate]
}

export function committedBlockFromRLP(item: RLPItem | undefined): CommittedBlock {
  const what = 'committed block'
  const f = asList(what, '(root)', item, 4)
  return {
    number: asUint(what, 'number', f[0], 8),
    header: asBytes(what, 'header', f[1], MESSAGE_LIMITS.header),
    txs: asList(what, 'txs', f[2]).map((t, i) =>
      bytesToHex(asBytes(what, `txs[${i}]`, t, MESSAGE_LIMITS.tx)),
    ),
    certificate: asBytes(what, 'certificate', f[3], MESSAGE_LIMITS.certificate),
  }
}
