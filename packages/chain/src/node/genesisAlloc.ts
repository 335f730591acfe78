import { type DevAccount, devAccounts } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import type { ChainNodeConfig } from './config.js'
import type { NodeGenesisAlloc } from './vm.js'

/**
 * A node's genesis allocation, later entries overriding earlier ones: the funded dev accounts, the node's
 * own accounts (`system`: system contracts), then the config's `alloc`.
 */
export function nodeGenesisAlloc(
  config: Pick<ChainNodeConfig, 'devBalance' | 'alloc'>,
  dev: readonly DevAccount[],
  system: NodeGenesisAlloc = {},
): NodeGenesisAlloc {
  const alloc: NodeGenesisAlloc = {}
  for (const a of dev) alloc[a.address.toLowerCase() as Address] = { balance: config.devBalance }
  for (const [address, spec] of Object.entries(system)) alloc[address.toLowerCase() as Address] = spec
  for (const [address, spec] of Object.entries(config.alloc)) {
    alloc[address.toLowerCase() as Address] = {
      ...(spec.balance !== undefined ? { balance: spec.balance } : {}),
      ...(spec.nonce !== undefined ? { nonce: spec.nonce } : {}),
      ...(spec.code !== undefined ? { code: spec.code } : {}),
      ...(spec.storage !== undefined ? { storage: spec.storage as Record<Hex, Hex> } : {}),
    }
  }
  return alloc
}

/** The dev accounts a config funds and signs for (none when `devAccounts` is 0; BIP-39 derivation is slow: call once). */
export function devAccountsOf(config: Pick<ChainNodeConfig, 'devAccounts'>): DevAccount[] {
  return config.devAccounts > 0 ? devAccounts(config.devAccounts) : []
}
