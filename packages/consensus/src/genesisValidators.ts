import type { Address } from '@rollup-mesh/core'
import { InvalidValidatorSetError } from './errors.js'
import { verifyProofOfPossession } from './proofOfPossession.js'
import { ValidatorSet } from './validatorSet.js'

/** A validator as genesis (or a governance call) lists it: with the proof of possession of its BLS key. */
export type GenesisValidator = {
  readonly address: Address
  readonly publicKey: Uint8Array
  readonly proofOfPossession: Uint8Array
  readonly power: number
}

/**
 * Builds a validator set, checking every key's proof of possession first (a key without one could be a
 * rogue key cancelling the others in an aggregate).
 *
 * @example
 * ```ts
 * const set = validatorSetFromGenesis([{ address, publicKey, proofOfPossession, power: 1 }])
 * ```
 */
export function validatorSetFromGenesis(validators: readonly GenesisValidator[]): ValidatorSet {
  validators.forEach((v, i) => {
    if (!verifyProofOfPossession(v.publicKey, v.proofOfPossession))
      throw new InvalidValidatorSetError(
        'VALIDATOR_BAD_POP',
        `Validator ${i} (${v.address}): the proof of possession of its BLS key does not verify.`,
        ['- Each validator signs its own public key under the pop domain: createProofOfPossession(sk, pk).'],
      )
  })
  return new ValidatorSet(validators.map(({ address, publicKey, power }) => ({ address, publicKey, power })))
}
