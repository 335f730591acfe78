// The keys of a local BFT main net's validators, derived as the seam with the node fixes them.
import { blsKeyPairFromSeed, createProofOfPossession } from '@rollup-mesh/consensus'
import { devAccounts } from '@rollup-mesh/core'
import { type Address, bytesToHex, concat, type Hex, hexToBytes, keccak256, toBytes } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'

const BLS_SEED_TAG = toBytes('rollup-mesh/bls-seed/v1')

/**
 * A validator's BLS seed from its secp256k1 key: `keccak256("rollup-mesh/bls-seed/v1" ‖ key)`, the formula
 * the main-net node uses when its config has no `consensus` section (a local equivalent of the node's
 * `blsSeedOf`, so a planned config and a node agree on the key).
 *
 * @example
 * ```ts
 * const seed = blsSeedOf(devAccounts(1)[0]!.privateKey)
 * ```
 */
export function blsSeedOf(validatorKey: Hex): Hex {
  return keccak256(concat([BLS_SEED_TAG, hexToBytes(validatorKey)]))
}

/** A genesis validator entry (the main-net config's `consensus.validators[i]`): its BLS key with its PoP. */
export type GenesisValidatorEntry = {
  address: Address
  blsPublicKey: Hex
  proofOfPossession: Hex
  power: number
}

/** The genesis entry of the validator holding `validatorKey` (local equivalent of the node's `genesisValidatorOf`). */
export function genesisValidatorOf(validatorKey: Hex, power = 1): GenesisValidatorEntry {
  const { secretKey, publicKey } = blsKeyPairFromSeed(hexToBytes(blsSeedOf(validatorKey)))
  return {
    address: privateKeyToAddress(validatorKey).toLowerCase() as Address,
    blsPublicKey: bytesToHex(publicKey),
    proofOfPossession: bytesToHex(createProofOfPossession(secretKey, publicKey)),
    power,
  }
}

/** Validator i of a local main net of `count`: dev account i's key, its BLS seed and genesis entry. */
export function localValidators(count: number): { key: Hex; blsSeed: Hex; entry: GenesisValidatorEntry }[] {
  return devAccounts(count).map((a) => ({
    key: a.privateKey as Hex,
    blsSeed: blsSeedOf(a.privateKey as Hex),
    entry: genesisValidatorOf(a.privateKey as Hex),
  }))
}
