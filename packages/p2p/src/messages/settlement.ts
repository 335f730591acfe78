import { type Address, bytesToHex, type Hash, type Hex, hexToBytes, keccak256 } from '@rollup-mesh/core'
import { recoverAddress, type Hex as ViemHex } from 'viem'
import { sign } from 'viem/accounts'
import { InvalidMessageError } from '../errors.js'
import { asBytes, asFixed, asList, asUint, rlpDecode, rlpEncode } from '../rlp.js'
import { checkSize, MESSAGE_LIMITS } from './limits.js'
import { asSignature, DOMAIN, stripSignature } from './signature.js'

/** An SPN settlement (DESIGN §4), as gossiped to the main net. */
export type Settlement = {
  spnId: bigint
  fromBlock: bigint
  toBlock: bigint
  prevStateRoot: Hash
  newStateRoot: Hash
  prevExitRoot: Hash
  newExitRoot: Hash
  leaves: bigint
  /** Groth16 proof bytes (encoding owned by zk-bridge). */
  proof: Hex
  /** TEE quote bytes (encoding owned by tee-attest). */
  quote: Hex
}

/** A settlement signed by the SPN's operator (its block producer). */
export type SignedSettlement = Settlement & { signature: Hex }

function settlementFields(s: Settlement): unknown[] {
  return [
    s.spnId,
    s.fromBlock,
    s.toBlock,
    hexToBytes(s.prevStateRoot),
    hexToBytes(s.newStateRoot),
    hexToBytes(s.prevExitRoot),
    hexToBytes(s.newExitRoot),
    s.leaves,
    hexToBytes(s.proof),
    hexToBytes(s.quote),
  ]
}

/** RLP `[spnId, fromBlock, toBlock, prevStateRoot, newStateRoot, prevExitRoot, newExitRoot, leaves, proof, quote, signature]`. */
export function encodeSettlement(s: SignedSettlement): Uint8Array {
  return rlpEncode([...settlementFields(s), hexToBytes(s.signature)])
}

export function decodeSettlement(data: Uint8Array): SignedSettlement {
  const what = 'settlement'
  checkSize(what, data, MESSAGE_LIMITS.settlement)
  const f = asList(what, '(root)', rlpDecode(what, data), 11)
  const s: SignedSettlement = {
    spnId: asUint(what, 'spnId', f[0], 8),
    fromBlock: asUint(what, 'fromBlock', f[1], 8),
    toBlock: asUint(what, 'toBlock', f[2], 8),
    prevStateRoot: asFixed(what, 'prevStateRoot', f[3], 32),
    newStateRoot: asFixed(what, 'newStateRoot', f[4], 32),
    prevExitRoot: asFixed(what, 'prevExitRoot', f[5], 32),
    newExitRoot: asFixed(what, 'newExitRoot', f[6], 32),
    leaves: asUint(what, 'leaves', f[7], 8),
    proof: bytesToHex(asBytes(what, 'proof', f[8], MESSAGE_LIMITS.proof)),
    quote: bytesToHex(asBytes(what, 'quote', f[9], MESSAGE_LIMITS.quote)),
    signature: asSignature(what, f[10]),
  }
  if (s.toBlock < s.fromBlock)
    throw new InvalidMessageError({ what, field: 'toBlock', expected: 'toBlock ≥ fromBlock' })
  return s
}

/** What the SPN operator signs: keccak256(rlp(["rollup-mesh/1/settlement", network, ...fields])). */
export function settlementSigningHash(network: string, s: Settlement): Hash {
  return keccak256(rlpEncode([`${DOMAIN}/settlement`, network, ...settlementFields(s)]))
}

export async function signSettlement(
  network: string,
  s: Settlement,
  privateKey: Hex,
): Promise<SignedSettlement> {
  const signature = await sign({ hash: settlementSigningHash(network, s), privateKey, to: 'hex' })
  return { ...stripSignature(s), signature }
}

export async function recoverSettlementSigner(network: string, s: SignedSettlement): Promise<Address> {
  return recoverAddress({ hash: settlementSigningHash(network, s), signature: s.signature as ViemHex })
}
