import { describe, expect, it } from 'vitest'
import {
  type CommitCertificate,
  createCommitCertificate,
  decodeCommitCertificate,
  encodeCommitCertificate,
  verifyCommitCertificate,
} from '../../src/certificate.js'
import { verifyCertificateChain } from '../../src/certificateChain.js'
import { InvalidCertificateError, InvalidValidatorSetError } from '../../src/errors.js'
import { ValidatorSet } from '../../src/validatorSet.js'
import { blockHash, CHAIN_ID, precommits, testValidators } from '../helpers.js'

const { keys, set } = testValidators([1, 1, 1, 1, 1, 1]) // total 6: quorum needs 5
const block = blockHash('block 10')

function cert(signers: number[], over: { value?: `0x${string}`; height?: number; chainId?: number } = {}) {
  return createCommitCertificate({
    chainId: over.chainId ?? CHAIN_ID,
    set,
    precommits: precommits(
      keys,
      set,
      signers,
      over.height ?? 10,
      2,
      over.value ?? block,
      over.chainId ?? CHAIN_ID,
    ),
  })
}

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (err instanceof InvalidCertificateError || err instanceof InvalidValidatorSetError)
      return `${err.code}: ${err.shortMessage}`
    throw err
  }
  return 'no error'
}

describe('commit certificates', () => {
  const good = cert([0, 1, 2, 3, 4])
  const expected = { chainId: CHAIN_ID, height: 10, blockHash: block }

  it('verifies with >2/3 of the power and round-trips through its canonical encoding', () => {
    expect(verifyCommitCertificate(good, set, expected)).toBe(5)
    const bytes = encodeCommitCertificate(good)
    expect(bytes.length).toBe(1 + 8 + 8 + 4 + 32 + 32 + 2 + 1 + 96)
    const back = decodeCommitCertificate(bytes)
    expect(back).toEqual(good)
    expect(encodeCommitCertificate(back)).toEqual(bytes)
  })

  it('signers holding exactly 2/3 of the power fail (creation and verification)', () => {
    expect(codeOf(() => cert([0, 1, 2, 3]))).toMatch(/^CERT_INSUFFICIENT_POWER: Signers hold 4 of 6/)
    const forged: CommitCertificate = { ...good, signers: Uint8Array.of(0b001111) }
    expect(codeOf(() => verifyCommitCertificate(forged, set, expected))).toMatch(/^CERT_INSUFFICIENT_POWER/)
    // Weighted: 2 of 3 power is not enough either.
    const w = testValidators([2, 1], 1)
    const c = { ...good, validatorsHash: w.set.hash, signers: Uint8Array.of(0b01) }
    expect(codeOf(() => verifyCommitCertificate(c, w.set))).toMatch(
      /^CERT_INSUFFICIENT_POWER: Signers hold 2 of 3/,
    )
  })

  it('a duplicate signer is refused (in the votes, and as a repeated key in the set)', () => {
    const votes = precommits(keys, set, [0, 1, 2, 3, 3], 10, 2, block)
    expect(codeOf(() => createCommitCertificate({ chainId: CHAIN_ID, set, precommits: votes }))).toMatch(
      /^CERT_DUPLICATE_SIGNER: Validator 3 signs the certificate twice/,
    )
    const v = set.validators
    expect(codeOf(() => new ValidatorSet([...v, { ...v[0]!, address: `0x${'ab'.repeat(20)}` }]))).toMatch(
      /^VALIDATOR_DUPLICATE_KEY/,
    )
  })

  it('a signer outside the set is refused', () => {
    const outside: CommitCertificate = { ...good, signers: Uint8Array.of(0b1011_1111) }
    expect(codeOf(() => verifyCommitCertificate(outside, set, expected))).toMatch(
      /^CERT_SIGNER_OUTSIDE_SET: Signer 7 is outside the validator set of 6/,
    )
    const longer: CommitCertificate = { ...good, signers: Uint8Array.of(0b11111, 1) }
    expect(codeOf(() => verifyCommitCertificate(longer, set, expected))).toMatch(
      /^CERT_ENCODING: Signer bitmap has 2 bytes/,
    )
  })

  it('wrong chain id, height, block hash or validator set each name what failed', () => {
    expect(codeOf(() => verifyCommitCertificate(good, set, { ...expected, chainId: 901 }))).toMatch(
      /^CERT_CHAIN_ID_MISMATCH: Certificate is for chain 900, expected 901/,
    )
    expect(codeOf(() => verifyCommitCertificate(good, set, { ...expected, height: 11 }))).toMatch(
      /^CERT_HEIGHT_MISMATCH: Certificate is for height 10, expected 11/,
    )
    expect(
      codeOf(() => verifyCommitCertificate(good, set, { ...expected, blockHash: blockHash('other') })),
    ).toMatch(/^CERT_BLOCK_MISMATCH/)
    const other = testValidators([1, 1, 1, 1, 1, 1], 2).set
    expect(codeOf(() => verifyCommitCertificate(good, other, expected))).toMatch(
      /^CERT_VALIDATOR_SET_MISMATCH/,
    )
  })

  it('fields changed after signing break the aggregate: chain id, height, round, block', () => {
    for (const tampered of [
      { ...good, chainId: 901 },
      { ...good, height: 11 },
      { ...good, round: 3 },
      { ...good, blockHash: blockHash('other') },
    ])
      expect(codeOf(() => verifyCommitCertificate(tampered, set))).toMatch(/^CERT_BAD_SIGNATURE/)
  })

  it('a tampered aggregate fails: a flipped byte, another aggregate, a signer bit swapped', () => {
    const flipped = good.signature.slice()
    flipped[40]! ^= 1
    expect(codeOf(() => verifyCommitCertificate({ ...good, signature: flipped }, set, expected))).toMatch(
      /^CERT_BAD_SIGNATURE/,
    )
    const otherAgg = cert([1, 2, 3, 4, 5]).signature
    expect(codeOf(() => verifyCommitCertificate({ ...good, signature: otherAgg }, set, expected))).toMatch(
      /^CERT_BAD_SIGNATURE: The aggregate signature does not verify for signers 0, 1, 2, 3, 4/,
    )
  })

  it('a bundle whose certificate is for another block is refused', () => {
    const bundle = {
      header: { height: 10, hash: blockHash('block 10, the one the bundle names') },
      certificate: good,
    }
    expect(
      codeOf(() =>
        verifyCommitCertificate(bundle.certificate, set, {
          chainId: CHAIN_ID,
          height: bundle.header.height,
          blockHash: bundle.header.hash,
        }),
      ),
    ).toMatch(/^CERT_BLOCK_MISMATCH: Certificate is for block 0x[0-9a-f]{64}, expected 0x/)
  })

  it('strict decoding: truncated, wrong version, inconsistent bitmap length', () => {
    const bytes = encodeCommitCertificate(good)
    expect(codeOf(() => decodeCommitCertificate(bytes.subarray(0, 100)))).toMatch(/^CERT_ENCODING: .*shorter/)
    const v2 = bytes.slice()
    v2[0] = 2
    expect(codeOf(() => decodeCommitCertificate(v2))).toMatch(/^CERT_ENCODING: .*version 2/)
    expect(codeOf(() => decodeCommitCertificate(Uint8Array.of(...bytes, 0)))).toMatch(
      /^CERT_ENCODING: .*length/,
    )
  })
})

describe('certificate chains across a validator-set change', () => {
  const a = testValidators([1, 1, 1, 1])
  const b = testValidators([1, 2, 1], 3)
  const header = (height: number, next: typeof a) => ({
    height,
    hash: blockHash(`h${height}`),
    validatorsHash: height <= 2 ? a.set.hash : b.set.hash,
    nextValidatorsHash: next.set.hash,
  })
  const link = (height: number, signer: typeof a, signers: number[], next: typeof a) => ({
    header: header(height, next),
    certificate: createCommitCertificate({
      chainId: CHAIN_ID,
      set: signer.set,
      precommits: precommits(signer.keys, signer.set, signers, height, 0, blockHash(`h${height}`)),
    }),
    ...(next !== signer ? { nextValidators: next.genesis } : {}),
  })

  it('follows genesis set A to set B announced by header 2 and returns the set after the last link', () => {
    const links = [
      link(1, a, [0, 1, 2], a),
      link(2, a, [1, 2, 3], b),
      link(3, b, [0, 1], b),
      link(4, b, [1, 2], b),
    ]
    expect(verifyCertificateChain(a.set, CHAIN_ID, links).hash).toBe(b.set.hash)
  })

  it('refuses a certificate by the old set after the change, a missing new set, and a gap', () => {
    const stale = { ...link(3, a, [0, 1, 2], b), header: header(3, b) }
    expect(
      codeOf(() =>
        verifyCertificateChain(a.set, CHAIN_ID, [link(1, a, [0, 1, 2], a), link(2, a, [0, 1, 2], b), stale]),
      ),
    ).toMatch(/^CERT_VALIDATOR_SET_MISMATCH/)
    const { nextValidators: _, ...missing } = link(2, a, [0, 1, 2], b)
    expect(codeOf(() => verifyCertificateChain(a.set, CHAIN_ID, [missing]))).toMatch(
      /^CERT_CHAIN_BROKEN: .*new set is missing/,
    )
    expect(
      codeOf(() =>
        verifyCertificateChain(a.set, CHAIN_ID, [link(1, a, [0, 1, 2], a), link(3, a, [0, 1, 2], a)]),
      ),
    ).toMatch(/^CERT_CHAIN_BROKEN: Height 3 does not follow 1/)
  })
})
