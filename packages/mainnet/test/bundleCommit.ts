// Builds real commit certificates and v2 bundles for the bundle tests (no node needed).
import { readFileSync } from 'node:fs'
import { EMPTY_BLOOM } from '@rollup-mesh/chain'
import {
  type BLSKeyPair,
  blsAggregateSignatures,
  blsKeyPairFromSeed,
  type CommitCertificate,
  createCommitCertificate,
  createProofOfPossession,
  encodeCommitCertificate,
  signVote,
  type ValidatorSet,
} from '@rollup-mesh/consensus'
import { decodeHeader } from '@rollup-mesh/p2p/wire'
import { type Address, bytesToHex, concat, type Hash, type Hex, hexToBytes, numberToHex } from 'viem'
import { bundleHeaderHash } from '../src/bundle/chainHeader.js'
import type { BundleHeader, BundleValidator, ProofBundle } from '../src/bundle.js'
import { validatorSetOfConfig } from '../src/consensus/validatorKeys.js'

export type TestSet = { keys: BLSKeyPair[]; validators: BundleValidator[]; set: ValidatorSet }

/** Validators with keys from seeds `salt + i`, each with its proof of possession. */
export function testSet(powers: readonly number[], salt = 1): TestSet {
  const keys = powers.map((_, i) => blsKeyPairFromSeed(new Uint8Array(32).fill(salt + i)))
  const validators = keys.map((k, i) => ({
    address: `0x${(salt * 16 + i + 1).toString(16).padStart(40, '0')}` as Address,
    blsPublicKey: bytesToHex(k.publicKey),
    proofOfPossession: bytesToHex(createProofOfPossession(k.secretKey, k.publicKey)),
    power: powers[i]!,
  }))
  const set = validatorSetOfConfig(validators)
  return { keys, validators, set }
}

/** A real certificate by `signers` of `s` for (chainId, height, round 0, blockHash). */
export function certify(
  s: TestSet,
  signers: readonly number[],
  at: { chainId: number; height: number; blockHash: Hash },
): CommitCertificate {
  const precommits = signers.map((i) =>
    signVote(
      { type: 'precommit', height: at.height, round: 0, value: at.blockHash, validator: i },
      s.keys[i]!.secretKey,
      at.chainId,
      s.set,
    ),
  )
  return createCommitCertificate({ chainId: at.chainId, set: s.set, precommits })
}

export const encodeCert = (c: CommitCertificate): Hex => bytesToHex(encodeCommitCertificate(c))

/** A version-1 bundle exported from a real single-key mesh (spn1 → spn2). */
export function v1Bundle(): ProofBundle {
  return JSON.parse(
    readFileSync(new URL('./unit/fixtures/proof-bundle-v1.json', import.meta.url), 'utf8'),
  ) as ProofBundle
}

/** A synthetic main-net header at `height` naming sets `current` ‖ `next` in extraData. */
export function header(
  height: number,
  current: Hash,
  next: Hash = current,
  salt: Hash = current,
): BundleHeader {
  return {
    parentHash: salt,
    number: numberToHex(height),
    timestamp: numberToHex(1_700_000_000 + height),
    miner: `0x${'00'.repeat(20)}`,
    stateRoot: salt,
    transactionsRoot: salt,
    receiptsRoot: salt,
    logsBloom: EMPTY_BLOOM,
    gasUsed: '0x0',
    gasLimit: numberToHex(30_000_000),
    baseFeePerGas: numberToHex(1_000_000_000),
    exitRoot: `0x${'00'.repeat(32)}`,
    extraData: concat([current, next]),
  }
}

/**
 * The v1 fixture made version 2: the accepting block's full header (the signed header's fields, extraData
 * = the set's hash twice) and a real certificate of `signers` of `s` over its hash.
 */
export function v2Bundle(s: TestSet, signers: readonly number[] = [0, 1, 2]): ProofBundle {
  const b = v1Bundle()
  const signed = decodeHeader(hexToBytes(b.acceptance.mainnet.signedHeader))
  const h: BundleHeader = {
    parentHash: signed.parentHash,
    number: numberToHex(signed.number),
    timestamp: numberToHex(signed.timestamp),
    miner: b.validator,
    stateRoot: signed.stateRoot,
    transactionsRoot: signed.txRoot,
    receiptsRoot: signed.receiptsRoot,
    logsBloom: EMPTY_BLOOM,
    gasUsed: numberToHex(signed.gasUsed),
    gasLimit: numberToHex(signed.gasLimit),
    baseFeePerGas: numberToHex(signed.baseFee),
    exitRoot: signed.exitRoot,
    extraData: concat([s.set.hash, s.set.hash]),
  }
  const cert = certify(s, signers, {
    chainId: b.acceptance.mainnet.chainId,
    height: Number(signed.number),
    blockHash: bundleHeaderHash(h),
  })
  return {
    ...b,
    version: 2,
    commit: {
      header: h,
      certificate: encodeCert(cert),
      validatorsHash: s.set.hash,
      validators: s.validators,
      chain: [],
    },
  }
}

/**
 * A certificate object built without createCommitCertificate's checks (which refuse what these tests
 * forge): `signers` as the bitmap, the aggregate of the precommits of `signed` (default: the signers).
 */
export function forge(
  s: TestSet,
  signers: readonly number[],
  at: { chainId: number; height: number; blockHash: Hash },
  signed: readonly number[] = signers,
): CommitCertificate {
  const bitmap = new Uint8Array(Math.ceil(s.set.size / 8))
  for (const i of signers) bitmap[i >> 3]! |= 1 << (i & 7)
  const sigs = signed.map(
    (i) =>
      signVote(
        { type: 'precommit', height: at.height, round: 0, value: at.blockHash, validator: i },
        s.keys[i % s.keys.length]!.secretKey,
        at.chainId,
        s.set,
      ).signature!,
  )
  return {
    chainId: at.chainId,
    height: at.height,
    round: 0,
    blockHash: at.blockHash,
    validatorsHash: s.set.hash,
    signers: bitmap,
    signature: blsAggregateSignatures(sigs),
  }
}
