import { type Address, type Hex, keccak256 } from '@rollup-mesh/core'
import { type BLSKeyPair, blsKeyPairFromSeed } from '../src/bls.js'
import type { GenesisValidator } from '../src/genesisValidators.js'
import { validatorSetFromGenesis } from '../src/genesisValidators.js'
import { signVote } from '../src/messageSigning.js'
import { createProofOfPossession } from '../src/proofOfPossession.js'
import type { Vote } from '../src/types.js'
import type { ValidatorSet } from '../src/validatorSet.js'

export const CHAIN_ID = 900

/** Deterministic test validators: key i from seed i, with a proof of possession. */
export function testValidators(
  powers: readonly number[],
  salt = 0,
): { keys: BLSKeyPair[]; genesis: GenesisValidator[]; set: ValidatorSet } {
  const keys = powers.map((_, i) => blsKeyPairFromSeed(new Uint8Array(32).fill(i + 1 + salt * 64)))
  const genesis = keys.map((k, i) => ({
    address: `0x${(i + 1 + salt * 64).toString(16).padStart(40, '0')}` as Address,
    publicKey: k.publicKey,
    proofOfPossession: createProofOfPossession(k.secretKey, k.publicKey),
    power: powers[i]!,
  }))
  return { keys, genesis, set: validatorSetFromGenesis(genesis) }
}

export function blockHash(label: string): Hex {
  return keccak256(new TextEncoder().encode(label))
}

/** Signed precommits of `signers` for `value` at (height, round). */
export function precommits(
  keys: BLSKeyPair[],
  set: ValidatorSet,
  signers: readonly number[],
  height: number,
  round: number,
  value: Hex,
  chainId = CHAIN_ID,
): Vote[] {
  return signers.map((i) =>
    signVote({ type: 'precommit', height, round, value, validator: i }, keys[i]!.secretKey, chainId, set),
  )
}
