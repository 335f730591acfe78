import { bytesToHex, type Hex, hexToBytes } from '@rollup-mesh/core'
import { blsAggregateSignatures, blsFastAggregateVerify } from './bls.js'
import { InvalidCertificateError } from './errors.js'
import { voteSigningRoot } from './signingRoot.js'
import type { Vote } from './types.js'
import type { ValidatorSet } from './validatorSet.js'

/**
 * Proof that a block is final: >2/3 of the power of the validator set precommitted it. Self-contained
 * per height (no parent certificate needed), so a bundle carries exactly one.
 */
export type CommitCertificate = {
  readonly chainId: number
  readonly height: number
  readonly round: number
  readonly blockHash: Hex
  readonly validatorsHash: Hex
  /** Bit i (byte i >> 3, bit i & 7, least significant first) set when validator i signed. */
  readonly signers: Uint8Array
  /** The aggregate of the signers' precommit signatures over one signing root; 96 bytes. */
  readonly signature: Uint8Array
}

const VERSION = 1
const FIXED = 1 + 8 + 8 + 4 + 32 + 32 + 2

/** What the verifier expects the certificate to certify; each field given is checked. */
export type CertificateExpectation = {
  readonly chainId?: number | undefined
  readonly height?: number | undefined
  readonly blockHash?: Hex | undefined
}

/**
 * Aggregates >2/3 of the power's precommits for one block into a certificate.
 *
 * @example
 * ```ts
 * // on a `decide` output:
 * const cert = createCommitCertificate({ chainId: 900, set, precommits: output.precommits })
 * verifyCommitCertificate(cert, set, { chainId: 900, height: output.height, blockHash: output.value })
 * ```
 */
export function createCommitCertificate(args: {
  chainId: number
  set: ValidatorSet
  precommits: readonly Vote[]
}): CommitCertificate {
  const { chainId, set, precommits } = args
  const first = precommits[0]
  if (!first || first.value === null)
    throw new InvalidCertificateError(
      'CERT_VOTE_MISMATCH',
      'A certificate needs precommits for a block (not nil).',
    )
  const signers = new Uint8Array(Math.ceil(set.size / 8))
  const seen = new Set<number>()
  let power = 0
  for (const v of precommits) {
    if (
      v.type !== 'precommit' ||
      v.height !== first.height ||
      v.round !== first.round ||
      v.value !== first.value
    )
      throw new InvalidCertificateError(
        'CERT_VOTE_MISMATCH',
        `Precommit of validator ${v.validator} is for (${v.type}, ${v.height}, ${v.round}, ${v.value}), not (precommit, ${first.height}, ${first.round}, ${first.value}).`,
      )
    if (seen.has(v.validator))
      throw new InvalidCertificateError(
        'CERT_DUPLICATE_SIGNER',
        `Validator ${v.validator} signs the certificate twice.`,
      )
    if (set.powerOf(v.validator) === 0)
      throw new InvalidCertificateError(
        'CERT_SIGNER_OUTSIDE_SET',
        `Signer ${v.validator} is not in the validator set of ${set.size}.`,
      )
    if (!v.signature)
      throw new InvalidCertificateError(
        'CERT_BAD_SIGNATURE',
        `Precommit of validator ${v.validator} is not signed.`,
      )
    seen.add(v.validator)
    power += set.powerOf(v.validator)
    signers[v.validator >> 3]! |= 1 << (v.validator & 7)
  }
  if (!set.hasQuorum(power))
    throw new InvalidCertificateError(
      'CERT_INSUFFICIENT_POWER',
      `Signers hold ${power} of ${set.totalPower} power; a certificate needs more than 2/3.`,
    )
  return {
    chainId,
    height: first.height,
    round: first.round,
    blockHash: first.value,
    validatorsHash: set.hash,
    signers,
    signature: blsAggregateSignatures(precommits.map((v) => v.signature!)),
  }
}

/** Indices of the signers in a bitmap. */
export function certificateSigners(cert: CommitCertificate): number[] {
  const out: number[] = []
  cert.signers.forEach((byte, i) => {
    for (let b = 0; b < 8; b++) if (byte & (1 << b)) out.push(i * 8 + b)
  })
  return out
}

/**
 * Checks a certificate against the validator set that signs its height: set hash, the expected chain id,
 * height and block, signers inside the set, strictly more than 2/3 of the power, and the aggregate
 * signature over the precommit signing root. Throws `InvalidCertificateError` whose code names the
 * first check that failed; returns the signers' power.
 *
 * @example
 * ```ts
 * verifyCommitCertificate(cert, set, { chainId: 900, height: 12, blockHash: header.hash })
 * ```
 */
export function verifyCommitCertificate(
  cert: CommitCertificate,
  set: ValidatorSet,
  expected: CertificateExpectation = {},
): number {
  if (cert.validatorsHash !== set.hash)
    throw new InvalidCertificateError(
      'CERT_VALIDATOR_SET_MISMATCH',
      `Certificate is signed by validator set ${cert.validatorsHash}, not ${set.hash}.`,
    )
  if (expected.chainId !== undefined && cert.chainId !== expected.chainId)
    throw new InvalidCertificateError(
      'CERT_CHAIN_ID_MISMATCH',
      `Certificate is for chain ${cert.chainId}, expected ${expected.chainId}.`,
    )
  if (expected.height !== undefined && cert.height !== expected.height)
    throw new InvalidCertificateError(
      'CERT_HEIGHT_MISMATCH',
      `Certificate is for height ${cert.height}, expected ${expected.height}.`,
    )
  if (expected.blockHash !== undefined && cert.blockHash.toLowerCase() !== expected.blockHash.toLowerCase())
    throw new InvalidCertificateError(
      'CERT_BLOCK_MISMATCH',
      `Certificate is for block ${cert.blockHash}, expected ${expected.blockHash}.`,
    )
  if (cert.signers.length !== Math.ceil(set.size / 8))
    throw new InvalidCertificateError(
      'CERT_ENCODING',
      `Signer bitmap has ${cert.signers.length} bytes; a set of ${set.size} needs ${Math.ceil(set.size / 8)}.`,
    )
  const signers = certificateSigners(cert)
  const outside = signers.find((i) => i >= set.size)
  if (outside !== undefined)
    throw new InvalidCertificateError(
      'CERT_SIGNER_OUTSIDE_SET',
      `Signer ${outside} is outside the validator set of ${set.size}.`,
    )
  const power = signers.reduce((p, i) => p + set.powerOf(i), 0)
  if (!set.hasQuorum(power))
    throw new InvalidCertificateError(
      'CERT_INSUFFICIENT_POWER',
      `Signers hold ${power} of ${set.totalPower} power; a certificate needs more than 2/3.`,
      [`- Signers: ${signers.join(', ') || 'none'}.`],
    )
  const root = voteSigningRoot({
    chainId: cert.chainId,
    type: 'precommit',
    height: cert.height,
    round: cert.round,
    value: cert.blockHash,
    validatorsHash: cert.validatorsHash,
  })
  const keys = signers.map((i) => set.validators[i]!.publicKey)
  if (!blsFastAggregateVerify(keys, root, cert.signature))
    throw new InvalidCertificateError(
      'CERT_BAD_SIGNATURE',
      `The aggregate signature does not verify for signers ${signers.join(', ')} over block ${cert.blockHash} at height ${cert.height}.`,
    )
  return power
}

/**
 * Canonical bytes: version 1 ‖ chainId u64 ‖ height u64 ‖ round u32 ‖ blockHash 32 ‖ validatorsHash 32 ‖
 * bitmap length u16 ‖ bitmap ‖ signature 96. Big-endian; one encoding per certificate.
 */
export function encodeCommitCertificate(cert: CommitCertificate): Uint8Array {
  const b = new Uint8Array(FIXED + cert.signers.length + 96)
  const view = new DataView(b.buffer)
  b[0] = VERSION
  view.setBigUint64(1, BigInt(cert.chainId))
  view.setBigUint64(9, BigInt(cert.height))
  view.setUint32(17, cert.round)
  b.set(hexToBytes(cert.blockHash), 21)
  b.set(hexToBytes(cert.validatorsHash), 53)
  view.setUint16(85, cert.signers.length)
  b.set(cert.signers, FIXED)
  b.set(cert.signature, FIXED + cert.signers.length)
  return b
}

/** Strict decoding: exact length, known version, safe integers. Throws `CERT_ENCODING` naming the field. */
export function decodeCommitCertificate(bytes: Uint8Array): CommitCertificate {
  const bad = (what: string) => new InvalidCertificateError('CERT_ENCODING', `Certificate encoding: ${what}.`)
  if (bytes.length < FIXED + 96) throw bad(`${bytes.length} bytes is shorter than the minimum ${FIXED + 96}`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes[0] !== VERSION) throw bad(`version ${bytes[0]}, expected ${VERSION}`)
  const chainId = view.getBigUint64(1)
  const height = view.getBigUint64(9)
  if (chainId > BigInt(Number.MAX_SAFE_INTEGER) || height > BigInt(Number.MAX_SAFE_INTEGER))
    throw bad('chain id or height beyond 2^53')
  const len = view.getUint16(85)
  if (bytes.length !== FIXED + len + 96)
    throw bad(`length ${bytes.length}, the bitmap length ${len} implies ${FIXED + len + 96}`)
  return {
    chainId: Number(chainId),
    height: Number(height),
    round: view.getUint32(17),
    blockHash: bytesToHex(bytes.slice(21, 53)),
    validatorsHash: bytesToHex(bytes.slice(53, 85)),
    signers: bytes.slice(FIXED, FIXED + len),
    signature: bytes.slice(FIXED + len),
  }
}

/** JSON form for `mesh_getCommit` (hex strings). */
export function commitCertificateToJSON(cert: CommitCertificate): Record<string, unknown> {
  return { ...cert, signers: bytesToHex(cert.signers), signature: bytesToHex(cert.signature) }
}
