import { bls12_381 } from '@noble/curves/bls12-381.js'
import { describe, expect, it } from 'vitest'
import {
  BLS_DST,
  blsAggregateSignatures,
  blsFastAggregateVerify,
  blsKeyPairFromSeed,
  blsSign,
  blsVerify,
} from '../../src/bls.js'
import { InvalidValidatorSetError } from '../../src/errors.js'
import { validatorSetFromGenesis } from '../../src/genesisValidators.js'
import { createProofOfPossession, verifyProofOfPossession } from '../../src/proofOfPossession.js'
import { voteSigningRoot } from '../../src/signingRoot.js'
import { blockHash, testValidators } from '../helpers.js'

const noble = bls12_381.longSignatures
const root = voteSigningRoot({
  chainId: 900,
  type: 'precommit',
  height: 7,
  round: 1,
  value: blockHash('b'),
  validatorsHash: blockHash('set'),
})

describe('BLS over @chainsafe/blst, cross-checked with @noble/curves', () => {
  it('min-pk sizes: 48-byte keys, 96-byte signatures', () => {
    const k = blsKeyPairFromSeed(new Uint8Array(32).fill(9))
    expect(k.publicKey.length).toBe(48)
    expect(blsSign(k.secretKey, root).length).toBe(96)
  })

  it('same key and message with the same DST give the same public key and signature bytes', () => {
    for (let i = 1; i <= 3; i++) {
      const k = blsKeyPairFromSeed(new Uint8Array(32).fill(i))
      expect(Buffer.from(noble.getPublicKey(k.secretKey).toBytes(true))).toEqual(Buffer.from(k.publicKey))
      const nobleSig = noble.Signature.toBytes(noble.sign(noble.hash(root, BLS_DST), k.secretKey))
      expect(Buffer.from(nobleSig)).toEqual(Buffer.from(blsSign(k.secretKey, root)))
      expect(noble.verify(blsSign(k.secretKey, root), noble.hash(root, BLS_DST), k.publicKey)).toBe(true)
    }
  })

  it('aggregates agree: blst aggregate == noble aggregate, and each library verifies the other', () => {
    const keys = [1, 2, 3, 4].map((i) => blsKeyPairFromSeed(new Uint8Array(32).fill(i)))
    const sigs = keys.map((k) => blsSign(k.secretKey, root))
    const agg = blsAggregateSignatures(sigs)
    const nobleAgg = noble.Signature.toBytes(
      noble.aggregateSignatures(sigs.map((s) => noble.Signature.fromBytes(s))),
    )
    expect(Buffer.from(nobleAgg)).toEqual(Buffer.from(agg))
    const aggKey = noble.aggregatePublicKeys(keys.map((k) => k.publicKey))
    expect(noble.verify(agg, noble.hash(root, BLS_DST), aggKey)).toBe(true)
    expect(
      blsFastAggregateVerify(
        keys.map((k) => k.publicKey),
        root,
        agg,
      ),
    ).toBe(true)
    expect(
      blsFastAggregateVerify(
        keys.slice(1).map((k) => k.publicKey),
        root,
        agg,
      ),
    ).toBe(false)
  })

  it('a wrong message, key or a garbage signature does not verify (and does not throw)', () => {
    const k = blsKeyPairFromSeed(new Uint8Array(32).fill(5))
    const other = blsKeyPairFromSeed(new Uint8Array(32).fill(6))
    const sig = blsSign(k.secretKey, root)
    expect(blsVerify(k.publicKey, root, sig)).toBe(true)
    expect(blsVerify(other.publicKey, root, sig)).toBe(false)
    expect(blsVerify(k.publicKey, new Uint8Array(32), sig)).toBe(false)
    expect(blsVerify(k.publicKey, root, new Uint8Array(96).fill(3))).toBe(false)
  })

  it('proofs of possession: every genesis key is checked; a bad one names the validator', () => {
    const { genesis } = testValidators([1, 1, 1])
    expect(genesis.every((v) => verifyProofOfPossession(v.publicKey, v.proofOfPossession))).toBe(true)
    const k = blsKeyPairFromSeed(new Uint8Array(32).fill(1))
    // A signature of the key over a vote root is not a proof of possession (different domain).
    expect(verifyProofOfPossession(k.publicKey, blsSign(k.secretKey, root))).toBe(false)
    const forged = genesis.map((v, i) =>
      i === 2 ? { ...v, proofOfPossession: genesis[0]!.proofOfPossession } : v,
    )
    expect(() => validatorSetFromGenesis(forged)).toThrowError(InvalidValidatorSetError)
    expect(() => validatorSetFromGenesis(forged)).toThrow(/Validator 2 .*proof of possession/)
    expect(createProofOfPossession(k.secretKey, k.publicKey).length).toBe(96)
  })
})
