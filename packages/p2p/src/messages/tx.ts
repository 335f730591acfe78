import { type Address, bytesToHex, type Hash, type Hex, hexToBytes, keccak256 } from '@rollup-mesh/core'
import { parseTransaction, recoverAddress, serializeTransaction } from 'viem'
import { InvalidMessageError } from '../errors.js'
import { checkSize, MESSAGE_LIMITS } from './limits.js'

/** A decoded gossiped transaction: the raw bytes, the parsed fields and the recovered sender. */
export type GossipTx = { raw: Hex; type: 'legacy' | 'eip2930' | 'eip1559'; from: Address; hash: Hash }

const TX_TYPES = { legacy: true, eip2930: true, eip1559: true } as const

/**
 * Recovers the address that signed `hash` with (r, s, yParity). The default is viem's pure-JS recovery; a
 * node with a native secp256k1 passes its own (`P2PInit.recoverTxSender`; the main net gives chain's
 * `recoverSigner`, ~10x faster: 1,000 gossiped transactions were ~3 s of one core in pure JS).
 */
export type TxSenderRecovery = (hash: Hash, r: Hex, s: Hex, yParity: number) => Promise<Address>

const viemRecovery: TxSenderRecovery = (hash, r, s, yParity) =>
  recoverAddress({ hash, signature: { r, s, yParity } })

/**
 * A gossiped transaction is its standard signed serialization (legacy RLP or an EIP-2718 envelope).
 * Decoding parses it, requires a signature, requires the bytes to be the canonical re-serialization,
 * and recovers the sender.
 */
export async function decodeTx(
  data: Uint8Array,
  recoverSender: TxSenderRecovery = viemRecovery,
): Promise<GossipTx> {
  const what = 'transaction'
  checkSize(what, data, MESSAGE_LIMITS.tx)
  const raw = bytesToHex(data)
  let parsed: ReturnType<typeof parseTransaction>
  try {
    parsed = parseTransaction(raw)
  } catch {
    throw new InvalidMessageError({
      what,
      field: '(envelope)',
      expected: 'a signed legacy, EIP-2930 or EIP-1559 transaction',
    })
  }
  const type = parsed.type
  if (!type || !(type in TX_TYPES))
    throw new InvalidMessageError({ what, field: 'type', expected: 'legacy, eip2930 or eip1559' })
  if (parsed.r === undefined || parsed.s === undefined)
    throw new InvalidMessageError({ what, field: 'signature', expected: 'a signed transaction' })
  // One parse, two serialisations: the signed one must reproduce the input byte for byte (canonical
  // form), the unsigned one is what the sender signed (so the sender is recovered without a re-parse).
  let canonical: Hex
  let signingHash: Hash
  const { r, s, v, yParity, ...unsigned } = parsed
  try {
    const tx = unsigned as Parameters<typeof serializeTransaction>[0]
    canonical = serializeTransaction(tx, {
      r,
      s,
      ...(v !== undefined ? { v } : {}),
      ...(yParity !== undefined ? { yParity } : {}),
    } as Parameters<typeof serializeTransaction>[1])
    signingHash = keccak256(serializeTransaction(tx))
  } catch {
    throw new InvalidMessageError({ what, field: '(envelope)', expected: 'a re-serializable transaction' })
  }
  if (canonical.toLowerCase() !== raw.toLowerCase())
    throw new InvalidMessageError({
      what,
      field: '(envelope)',
      expected: 'the canonical serialization of the transaction',
    })
  let from: Address
  try {
    const parity = yParity ?? (v === 27n || (v !== undefined && v >= 35n && v % 2n === 1n) ? 0 : 1)
    from = await recoverSender(signingHash, r, s, parity)
  } catch {
    throw new InvalidMessageError({ what, field: 'signature', expected: 'a recoverable secp256k1 signature' })
  }
  return { raw, type: type as GossipTx['type'], from, hash: keccak256(data) }
}

export function encodeTx(raw: Hex): Uint8Array {
  const bytes = hexToBytes(raw)
  checkSize('transaction', bytes, MESSAGE_LIMITS.tx)
  return bytes
}
