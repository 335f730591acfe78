import { decodeCommitCertificate } from '@rollup-mesh/consensus'
import { bytesToHex, type Hash, hexToBytes, keccak256, toHex } from 'viem'
import { describe, expect, it } from 'vitest'
import { bundleHeaderHash } from '../../src/bundle/chainHeader.js'
import {
  type BundleCheck,
  type ProofBundle,
  verifyBundleCommit,
  verifyProofBundle,
} from '../../src/bundle.js'
import {
  certify,
  encodeCert,
  forge,
  header,
  type TestSet,
  testSet,
  v1Bundle,
  v2Bundle,
} from '../bundleCommit.js'

const A = testSet([1, 1, 1, 1], 1)
const B = testSet([1, 1, 1], 40)
const good = v2Bundle(A)
const CHAIN = good.acceptance.mainnet.chainId
const HEIGHT = Number(BigInt(good.commit!.header.number))
const BLOCK = bundleHeaderHash(good.commit!.header)
const at = { chainId: CHAIN, height: HEIGHT, blockHash: BLOCK }
/** What a bundle's certificate must certify (its header's recomputed hash). */
const atOf = (b: ProofBundle) => ({ ...at, blockHash: bundleHeaderHash(b.commit!.header) })

const clone = (b: ProofBundle): ProofBundle => structuredClone(b)
/** The bundle with its certificate replaced. */
const withCert = (cert: Hex): ProofBundle => {
  const b = clone(good)
  b.commit!.certificate = cert
  return b
}
type Hex = `0x${string}`
/** The first failed commit check as "name: detail". */
function failure(bundle: ProofBundle, trustedHash?: Hash): string | undefined {
  const checks: BundleCheck[] = verifyBundleCommit(bundle, trustedHash ? { trustedHash } : {})
  const bad = checks.find((c) => !c.ok)
  return bad && `${bad.name}: ${bad.detail}`
}

describe('verifyProofBundle: the commit certificate (real BLS certificates)', () => {
  it('a version-2 bundle passes every check; the set is trusted from the bundle unless pinned', async () => {
    const result = await verifyProofBundle(clone(good))
    expect(result.failed).toBeUndefined()
    expect(result.ok).toBe(true)
    expect(result.checks.map((c) => c.name).slice(-2)).toEqual(['validator-set', 'commit-certificate'])
    expect(result.trust.validatorsHash).toBe('bundle')
    const [set, cert] = result.checks.slice(-2) as [BundleCheck, BundleCheck]
    expect(set.detail).toContain(
      '4 validators, power 4) trusted from the bundle (pin it with --validators-hash)',
    )
    expect(cert.detail).toMatch(
      /^block \d+ 0x[0-9a-f]{16}… certified in round 0 by 3 of 4 validators \(power 3 of 4, > 2\/3\)$/,
    )
    const pinned = await verifyProofBundle(clone(good), { validatorsHash: A.set.hash })
    expect(pinned.ok).toBe(true)
    expect(pinned.trust.validatorsHash).toBe('option')
    expect(pinned.checks.at(-2)?.detail).toContain('trusted from --validators-hash')
  })

  it('a pinned --validators-hash that differs fails validator-set, naming both hashes', async () => {
    const other = keccak256(toHex('another set'))
    const result = await verifyProofBundle(clone(good), { validatorsHash: other })
    expect(result.ok).toBe(false)
    expect(result.failed).toBe('validator-set')
    const detail = result.checks.find((c) => c.name === 'validator-set')?.detail
    expect(detail).toContain(
      `the trusted validator set ${other} to be the accepting block's set ${A.set.hash}`,
    )
  })

  it('a version-1 bundle still verifies, warning that it has no certificate; a pinned set makes that a failure', async () => {
    const v1 = await verifyProofBundle(v1Bundle())
    expect(v1.ok).toBe(true)
    const last = v1.checks.at(-1)!
    expect(last).toMatchObject({ name: 'commit-certificate', ok: true, warning: true })
    expect(last.detail).toMatch(/^no commit certificate \(bundle v1\)/)
    const pinned = await verifyProofBundle(v1Bundle(), { validatorsHash: A.set.hash })
    expect(pinned.failed).toBe('commit-certificate')
    expect(pinned.checks.at(-1)?.detail).toMatch(
      /^no commit certificate \(bundle v1\).*--validators-hash pins/,
    )
    // a version-2 bundle that lost its commit object is malformed, not version 1
    const stripped = clone(good)
    delete stripped.commit
    expect((await verifyProofBundle(stripped)).failed).toBe('bundle')
  })
})

describe('verifyBundleCommit: each negative names the check and what failed', () => {
  it('signers holding exactly 2/3 of the power', () => {
    const six = testSet([1, 1, 1, 1, 1, 1], 80)
    const b = v2Bundle(six, [0, 1, 2, 3, 4])
    expect(failure(b)).toBeUndefined()
    b.commit!.certificate = encodeCert(forge(six, [0, 1, 2, 3], atOf(b)))
    expect(failure(b)).toMatch(/^commit-certificate: CERT_INSUFFICIENT_POWER: Signers hold 4 of 6 power/)
    // weighted: 2 of 3 power is not enough either
    const w = testSet([2, 1], 90)
    const wb = v2Bundle(w, [0, 1])
    wb.commit!.certificate = encodeCert(forge(w, [0], atOf(wb)))
    expect(failure(wb)).toMatch(/^commit-certificate: CERT_INSUFFICIENT_POWER: Signers hold 2 of 3/)
  })

  it('a duplicate signer: a set repeating a key, and an aggregate carrying one signature twice', () => {
    const b = clone(good)
    b.commit!.validators = [...A.validators, { ...A.validators[0]!, address: `0x${'ab'.repeat(20)}` }]
    expect(failure(b)).toMatch(
      /^validator-set: VALIDATOR_DUPLICATE_KEY: Validator 4 repeats the BLS key of validator 0/,
    )
    expect(failure(withCert(encodeCert(forge(A, [0, 1, 2], at, [0, 1, 1]))))).toMatch(
      /^commit-certificate: CERT_BAD_SIGNATURE: The aggregate signature does not verify for signers 0, 1, 2/,
    )
  })

  it('a signer outside the set', () => {
    expect(failure(withCert(encodeCert(forge(A, [0, 1, 2, 5], at, [0, 1, 2]))))).toMatch(
      /^commit-certificate: CERT_SIGNER_OUTSIDE_SET: Signer 5 is outside the validator set of 4/,
    )
  })

  it('wrong chain id, height, block hash or validator set', () => {
    expect(failure(withCert(encodeCert(certify(A, [0, 1, 2], { ...at, chainId: CHAIN + 1 }))))).toMatch(
      new RegExp(
        `^commit-certificate: CERT_CHAIN_ID_MISMATCH: Certificate is for chain ${CHAIN + 1}, expected ${CHAIN}`,
      ),
    )
    expect(failure(withCert(encodeCert(certify(A, [0, 1, 2], { ...at, height: HEIGHT + 1 }))))).toMatch(
      new RegExp(
        `^commit-certificate: CERT_HEIGHT_MISMATCH: Certificate is for height ${HEIGHT + 1}, expected ${HEIGHT}`,
      ),
    )
    const other = keccak256(toHex('another block'))
    expect(failure(withCert(encodeCert(certify(A, [0, 1, 2], { ...at, blockHash: other }))))).toMatch(
      new RegExp(
        `^commit-certificate: CERT_BLOCK_MISMATCH: Certificate is for block ${other}, expected ${BLOCK}`,
      ),
    )
    // signed by set B while the bundle lists set A
    expect(failure(withCert(encodeCert(certify(B, [0, 1, 2], at))))).toMatch(
      new RegExp(
        `^commit-certificate: CERT_VALIDATOR_SET_MISMATCH: Certificate is signed by validator set ${B.set.hash}`,
      ),
    )
    // the bundle's set swapped for B (its own hash claimed): the header still names A
    const swapped = clone(good)
    swapped.commit!.validators = B.validators
    swapped.commit!.validatorsHash = B.set.hash
    expect(failure(swapped)).toMatch(/^commit-certificate: expected header \d+ to name validator set/)
    // validators not hashing to the claimed validatorsHash
    const lying = clone(good)
    lying.commit!.validators = B.validators
    expect(failure(lying)).toMatch(
      /^validator-set: expected the bundle's validators to hash to its validatorsHash/,
    )
  })

  it('a tampered aggregate, a forged proof of possession', () => {
    const cert = hexToBytes(good.commit!.certificate)
    cert[cert.length - 5]! ^= 0x01
    expect(failure(withCert(bytesToHex(cert)))).toMatch(/^commit-certificate: CERT_BAD_SIGNATURE/)
    // another valid aggregate (signers 0,1,3) under the bitmap of 0,1,2
    const c = decodeCommitCertificate(hexToBytes(good.commit!.certificate))
    const other = certify(A, [0, 1, 3], at)
    expect(failure(withCert(encodeCert({ ...c, signature: other.signature })))).toMatch(
      /^commit-certificate: CERT_BAD_SIGNATURE/,
    )
    const b = clone(good)
    const [v0, v1] = b.commit!.validators as [(typeof A.validators)[0], (typeof A.validators)[0]]
    b.commit!.validators[0] = { ...v0, proofOfPossession: v1.proofOfPossession }
    expect(failure(b)).toMatch(/^validator-set: VALIDATOR_BAD_POP: Validator 0/)
  })

  it("a certificate for another block: another block's header and certificate in the bundle", () => {
    const b = clone(good)
    const h = header(HEIGHT, A.set.hash, A.set.hash, keccak256(toHex('a block at the same height')))
    b.commit!.header = h
    b.commit!.certificate = encodeCert(certify(A, [0, 1, 2], { ...at, blockHash: bundleHeaderHash(h) }))
    expect(failure(b)).toMatch(
      /^commit-certificate: expected the certified header to be the accepting block \d+'s \(its parentHash differs\)/,
    )
    // the accepting block's header with a changed field no longer hashes to the certified block
    const t = clone(good)
    t.commit!.header.extraData = `${t.commit!.header.extraData.slice(0, -2)}00` as Hex
    expect(failure(t)).toMatch(/CERT_BLOCK_MISMATCH|expected header \d+ to name validator set/)
  })
})

describe('verifyBundleCommit: the certificate chain across a validator-set change', () => {
  /** Genesis set A hands over to B at height 100; the accepting block is signed by B. */
  function chained(link: Partial<{ by: TestSet; next: TestSet; at: number }> = {}): ProofBundle {
    const b = v2Bundle(B)
    const next = link.next ?? B
    const h = header(link.at ?? 100, A.set.hash, next.set.hash)
    const by = link.by ?? A
    const cert = certify(by, [0, 1, 2], {
      chainId: CHAIN,
      height: link.at ?? 100,
      blockHash: bundleHeaderHash(h),
    })
    b.commit!.chainFrom = { validatorsHash: A.set.hash, validators: A.validators }
    b.commit!.chain = [{ header: h, certificate: encodeCert(cert), nextValidators: next.validators }]
    return b
  }

  it('a pinned genesis set reaches the accepting set through the certified change', async () => {
    const checks = verifyBundleCommit(chained(), { trustedHash: A.set.hash })
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['validator-set', true],
      ['commit-certificate', true],
    ])
    expect(checks[0]?.detail).toMatch(
      /follows from the trusted set 0x[0-9a-f]{16}… \(from --validators-hash\) through 1 certified set change$/,
    )
    // trusting the bundle's own (accepting) set needs no chain
    expect(failure(chained())).toBeUndefined()
    expect(failure(chained(), B.set.hash)).toBeUndefined()
  })

  it('a missing link, a link signed by the wrong set, a link announcing another set, a link out of range', () => {
    const missing = chained()
    missing.commit!.chain = []
    expect(failure(missing, A.set.hash)).toMatch(
      `validator-set: expected the certificate chain to end at the accepting block's set ${B.set.hash}, not ${A.set.hash}`,
    )
    expect(failure(chained({ by: B }), A.set.hash)).toMatch(/^validator-set: CERT_VALIDATOR_SET_MISMATCH/)
    const C = testSet([1, 1], 120)
    expect(failure(chained({ next: C }), A.set.hash)).toMatch(
      /^validator-set: expected the certificate chain to end at the accepting block's set/,
    )
    const mismatched = chained()
    mismatched.commit!.chain[0]!.nextValidators = C.validators
    expect(failure(mismatched, A.set.hash)).toMatch(
      /^validator-set: CERT_CHAIN_BROKEN: Header 100 commits to set/,
    )
    expect(failure(chained({ at: HEIGHT + 5 }), A.set.hash)).toMatch(
      /^validator-set: expected chain link heights increasing and below the accepting block/,
    )
  })
})
