import { bytesToHex, type Hex, hexToBytes } from '@rollup-mesh/core'
import { asBytes, asList, rlpDecode, rlpEncode } from '../rlp.js'
import { checkSize, MESSAGE_LIMITS } from './limits.js'

/**
 * A proposal as gossiped on `/rollup-mesh/1/<network>/proposals`: the consensus proposal (its own codec,
 * opaque here), the proposed block's header (the chain's RLP header, opaque here) and the block's raw signed
 * transactions, so every validator can execute the block before it votes.
 */
export type ProposalEnvelope = { proposal: Uint8Array; header: Uint8Array; txs: Hex[]; seq: bigint }

/**
 * A vote (or bodiless proposal) as gossiped on `/rollup-mesh/1/<network>/consensus`. `seq` (any number,
 * not signed) makes a re-broadcast of the same signed message a new gossip message: message ids are the
 * hash of the bytes, so identical bytes would be dropped as already seen, and a peer that joined late
 * would never get them.
 */
export type ConsensusEnvelope = { message: Uint8Array; seq: bigint }

const seqBytes = (seq: bigint): Uint8Array =>
  seq === 0n ? new Uint8Array() : hexToBytes(`0x${seq.toString(16).padStart(16, '0')}`)

function seqOf(what: string, item: Parameters<typeof asBytes>[2]): bigint {
  const b = asBytes(what, 'seq', item, 8)
  return b.length ? BigInt(bytesToHex(b)) : 0n
}

/** RLP [message, seq]. */
export function encodeConsensusEnvelope(e: ConsensusEnvelope): Uint8Array {
  return rlpEncode([e.message, seqBytes(e.seq)])
}

/** Strict decoding; throws `InvalidMessageError`. */
export function decodeConsensusEnvelope(data: Uint8Array): ConsensusEnvelope {
  const what = 'consensus envelope'
  checkSize(what, data, MESSAGE_LIMITS.consensus + 16)
  const f = asList(what, '(root)', rlpDecode(what, data), 2)
  return { message: asBytes(what, 'message', f[0], MESSAGE_LIMITS.consensus), seq: seqOf(what, f[1]) }
}

/** RLP [proposal, header, [tx…], seq]. */
export function encodeProposalEnvelope(e: ProposalEnvelope): Uint8Array {
  return rlpEncode([e.proposal, e.header, e.txs.map((t) => hexToBytes(t)), seqBytes(e.seq)])
}

/** Strict decoding (size first, exact list shapes, per-field bounds); throws `InvalidMessageError`. */
export function decodeProposalEnvelope(data: Uint8Array): ProposalEnvelope {
  const what = 'proposal envelope'
  checkSize(what, data, MESSAGE_LIMITS.proposal)
  const f = asList(what, '(root)', rlpDecode(what, data), 4)
  const proposal = asBytes(what, 'proposal', f[0], MESSAGE_LIMITS.consensus)
  const header = asBytes(what, 'header', f[1], MESSAGE_LIMITS.header)
  const txs = asList(what, 'txs', f[2]).map((t, i) =>
    bytesToHex(asBytes(what, `txs[${i}]`, t, MESSAGE_LIMITS.tx)),
  )
  return { proposal, header, txs, seq: seqOf(what, f[3]) }
}
