// The keys of a local BFT main net's validators: the node's own derivation (`blsSeedOf`, `genesisValidatorOf`
// from @rollup-mesh/mainnet), so a planned config and a node agree on every key.
import { devAccounts } from '@rollup-mesh/core'
import { blsSeedOf, type GenesisValidatorConfig, genesisValidatorOf } from '@rollup-mesh/mainnet'
import type { Hex } from 'viem'

export { blsSeedOf, genesisValidatorOf }

/** A genesis validator entry (the main-net config's `consensus.validators[i]`): its BLS key with its PoP. */
export type GenesisValidatorEntry = GenesisValidatorConfig

/**
 * Validator i of a local main net of `count`: dev account i's key, its BLS seed and genesis entry.
 *
 * @example
 * ```ts
 * const [v0] = localValidators(4) // v0.key = dev account 0, v0.entry.address its address
 * ```
 */
export function localValidators(count: number): { key: Hex; blsSeed: Hex; entry: GenesisValidatorEntry }[] {
  return devAccounts(count).map((a) => ({
    key: a.privateKey as Hex,
    blsSeed: blsSeedOf(a.privateKey as Hex),
    entry: genesisValidatorOf(a.privateKey as Hex),
  }))
}
