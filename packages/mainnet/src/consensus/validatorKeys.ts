import {
  blsKeyPairFromSeed,
  createProofOfPossession,
  type ValidatorSet,
  validatorSetFromGenesis,
} from '@rollup-mesh/consensus'
import { type Address, bytesToHex, concat, type Hex, hexToBytes, keccak256, stringToBytes } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'

const SEED_TAG = stringToBytes('rollup-mesh/bls-seed/v1')

/**
 * The BLS seed a validator derives from its secp256k1 key when the config gives none:
 * `keccak256("rollup-mesh/bls-seed/v1" ‖ validatorKey)`. Dev meshes only (one secret for both keys).
 *
 * @example
 * ```ts
 * import { blsSeedOf } from '@rollup-mesh/mainnet'
 * blsSeedOf('0xac09…ff80') // '0x…' (32 bytes)
 * ```
 */
export function blsSeedOf(validatorKey: Hex): Hex {
  return keccak256(concat([SEED_TAG, hexToBytes(validatorKey)]))
}

/** A validator's entry in `consensus.validators` (what the main-net config and genesis list). */
export type GenesisValidatorConfig = {
  address: Address
  blsPublicKey: Hex
  proofOfPossession: Hex
  power: number
}

/**
 * The config entry of the validator holding `validatorKey` (address from the secp key, BLS key from
 * `blsSeed`, default `blsSeedOf(validatorKey)`, with its proof of possession).
 *
 * @example
 * ```ts
 * import { genesisValidatorOf } from '@rollup-mesh/mainnet'
 * const validators = keys.map((k) => genesisValidatorOf(k)) // consensus: { validators, blsSeed }
 * ```
 */
export function genesisValidatorOf(validatorKey: Hex, power = 1, blsSeed?: Hex): GenesisValidatorConfig {
  const keys = blsKeyPairFromSeed(hexToBytes(blsSeed ?? blsSeedOf(validatorKey)))
  return {
    address: privateKeyToAddress(validatorKey).toLowerCase() as Address,
    blsPublicKey: bytesToHex(keys.publicKey),
    proofOfPossession: bytesToHex(createProofOfPossession(keys.secretKey, keys.publicKey)),
    power,
  }
}

/**
 * The validator set of config entries (`consensus.validators`), every proof of possession checked
 * (`validatorSetFromGenesis` throws naming the entry whose PoP fails).
 *
 * @example
 * ```ts
 * import { genesisValidatorOf, validatorSetOfConfig } from '@rollup-mesh/mainnet'
 * const set = validatorSetOfConfig(keys.map((k) => genesisValidatorOf(k))) // set.hash = validatorsHash
 * ```
 */
export function validatorSetOfConfig(entries: readonly GenesisValidatorConfig[]): ValidatorSet {
  return validatorSetFromGenesis(
    entries.map((v) => ({
      address: v.address,
      publicKey: hexToBytes(v.blsPublicKey),
      proofOfPossession: hexToBytes(v.proofOfPossession),
      power: v.power,
    })),
  )
}
