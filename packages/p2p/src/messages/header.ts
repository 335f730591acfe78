import { type Address, type Hash, type Hex, hexToBytes, keccak256 } from '@rollup-mesh/core'
import { recoverAddress, type Hex as ViemHex } from 'viem'
import { sign } from 'viem/accounts'
import { InvalidMessageError } from '../errors.js'
import { asFixed, asList, asUint, type RLPItem, rlpDecode, rlpEncode } from '../rlp.js'
import { checkSize, MESSAGE_LIMITS } from './limits.js'
import { asSignature, DOMAIN, stripSignature } from './signature.js'

/** The unsigned fields of a block header, shared by main-net and SPN headers. */
export type BlockHeader = {
  number: bigint
  parentHash: Hash
  stateRoot: Hash
  txRoot: Hash
  receiptsRoot: Hash
  exitRoot: Hash
  /** Unix seconds. */
  timestamp: bigint
  gasLimit: bigint
  gasUsed: bigint
  baseFee: bigint
}

/** A header with the network's block-producer signature (65 bytes r ‖ s ‖ v, v ∈ {27, 28}, low s). */
export type SignedHeader = BlockHeader & { signature: Hex }

function headerFields(h: BlockHeader): unknown[] {
  return [
    h.number,
    hexToBytes(h.parentHash),
    hexToBytes(h.stateRoot),
    hexToBytes(h.txRoot),
    hexToBytes(h.receiptsRoot),
    hexToBytes(h.exitRoot),
    h.timestamp,
    h.gasLimit,
    h.gasUsed,
    h.baseFee,
  ]
}

export function headerToRLP(h: SignedHeader): unknown[] {
  return [...headerFields(h), hexToBytes(h.signature)]
}

export function headerFromRLP(item: RLPItem | undefined, what = 'header'): SignedHeader {
  const f = asList(what, '(root)', item, 11)
  const header: SignedHeader = {
    number: asUint(what, 'number', f[0], 8),
    parentHash: asFixed(what, 'parentHash', f[1], 32),
    stateRoot: asFixed(what, 'stateRoot', f[2], 32),
    txRoot: asFixed(what, 'txRoot', f[3], 32),
    receiptsRoot: asFixed(what, 'receiptsRoot', f[4], 32),
    exitRoot: asFixed(what, 'exitRoot', f[5], 32),
    timestamp: asUint(what, 'timestamp', f[6], 8),
    gasLimit: asUint(what, 'gasLimit', f[7], 8),
    gasUsed: asUint(what, 'gasUsed', f[8], 8),
    baseFee: asUint(what, 'baseFee', f[9], 32),
    signature: asSignature(what, f[10]),
  }
  if (header.gasUsed > header.gasLimit)
    throw new InvalidMessageError({ what, field: 'gasUsed', expected: 'gasUsed ≤ gasLimit' })
  return header
}

/**
 * RLP `[number, parentHash, stateRoot, txRoot, receiptsRoot, exitRoot, timestamp, gasLimit, gasUsed, baseFee, signature]`.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict'
 * import { decodeHeader, encodeHeader, recoverHeaderSigner, signHeader } from '@rollup-mesh/p2p/wire'
 * import { privateKeyToAccount } from 'viem/accounts'
 *
 * const key = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'
 * const zero = `0x${'00'.repeat(32)}` as const
 * const header = await signHeader('spn1', {
 *   number: 1n,
 *   parentHash: zero,
 *   stateRoot: zero,
 *   txRoot: zero,
 *   receiptsRoot: zero,
 *   exitRoot: zero,
 *   timestamp: 1_700_000_000n,
 *   gasLimit: 30_000_000n,
 *   gasUsed: 21_000n,
 *   baseFee: 1_000_000_000n,
 * }, key)
 * const bytes = encodeHeader(header)
 * assert.deepEqual(decodeHeader(bytes), header)
 * // strict: a trailing byte is refused
 * assert.throws(() => decodeHeader(new Uint8Array([...bytes, 0])), { code: 'P2P_MESSAGE_INVALID' })
 * ```
 */
export function encodeHeader(header: SignedHeader): Uint8Array {
  return rlpEncode(headerToRLP(header))
}

/** Strict inverse of `encodeHeader`; throws `InvalidMessageError` / `MessageTooLargeError`. */
export function decodeHeader(data: Uint8Array): SignedHeader {
  checkSize('header', data, MESSAGE_LIMITS.header)
  return headerFromRLP(rlpDecode('header', data))
}

/** What the producer signs: keccak256(rlp(["rollup-mesh/1/header", network, ...fields])). */
export function headerSigningHash(network: string, header: BlockHeader): Hash {
  return keccak256(rlpEncode([`${DOMAIN}/header`, network, ...headerFields(header)]))
}

/** keccak256 of the encoded signed header: the header's identity on the wire. */
export function headerHash(header: SignedHeader): Hash {
  return keccak256(encodeHeader(header))
}

/**
 * Signs `header` for `network` as its block producer (see `headerSigningHash`); low-s, v ∈ {27, 28}.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict'
 * import { decodeHeader, encodeHeader, recoverHeaderSigner, signHeader } from '@rollup-mesh/p2p/wire'
 * import { privateKeyToAccount } from 'viem/accounts'
 *
 * const key = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'
 * const zero = `0x${'00'.repeat(32)}` as const
 * const header = await signHeader('spn1', {
 *   number: 1n,
 *   parentHash: zero,
 *   stateRoot: zero,
 *   txRoot: zero,
 *   receiptsRoot: zero,
 *   exitRoot: zero,
 *   timestamp: 1_700_000_000n,
 *   gasLimit: 30_000_000n,
 *   gasUsed: 21_000n,
 *   baseFee: 1_000_000_000n,
 * }, key)
 * assert.equal(await recoverHeaderSigner('spn1', header), privateKeyToAccount(key).address)
 * // signed for another network, it recovers to another address
 * assert.notEqual(await recoverHeaderSigner('spn2', header), privateKeyToAccount(key).address)
 * ```
 */
export async function signHeader(
  network: string,
  header: BlockHeader,
  privateKey: Hex,
): Promise<SignedHeader> {
  const signature = await sign({ hash: headerSigningHash(network, header), privateKey, to: 'hex' })
  return { ...stripSignature(header), signature }
}

/** The address that signed `header` for `network` (compare it with the network's producer). */
export async function recoverHeaderSigner(network: string, header: SignedHeader): Promise<Address> {
  return recoverAddress({ hash: headerSigningHash(network, header), signature: header.signature as ViemHex })
}
