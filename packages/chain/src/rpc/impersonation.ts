import type { Address } from 'viem'
import { expectCount, invalidParam, paramAddress } from './params.js'
import type { RPCMethods } from './server.js'

/** Which senders `eth_sendTransaction` accepts unsigned (anvil's impersonation), shared by the eth methods. */
export class Impersonation {
  private readonly accounts = new Set<Address>()
  private auto = false

  /** Whether `eth_sendTransaction` from `address` is accepted without a key. */
  has(address: Address): boolean {
    return this.auto || this.accounts.has(address.toLowerCase() as Address)
  }

  add(address: Address): void {
    this.accounts.add(address.toLowerCase() as Address)
  }

  delete(address: Address): void {
    this.accounts.delete(address.toLowerCase() as Address)
  }

  /** With `true`, every sender is impersonated (anvil's `anvil_autoImpersonateAccount`). */
  setAuto(enabled: boolean): void {
    this.auto = enabled
  }
}

/**
 * anvil's impersonation methods (and hardhat's names), on a dev network only (`config.dev`): after
 * `anvil_impersonateAccount(addr)`, `eth_sendTransaction` with `from: addr` is accepted unsigned and mined
 * with that sender. All answer `null`, as anvil does.
 *
 * @example
 * ```ts
 * import { createEthMethods, createImpersonationMethods, createRPCServer, Impersonation } from '@rollup-mesh/chain'
 *
 * const impersonation = new Impersonation()
 * const rpc = createRPCServer({
 *   ...createEthMethods(chain, { impersonation }),
 *   ...createImpersonationMethods(impersonation),
 * })
 * // anvil_impersonateAccount [whale] → eth_sendTransaction [{ from: whale, to, value }] → a tx hash
 * ```
 */
export function createImpersonationMethods(impersonation: Impersonation): RPCMethods {
  const start = (p: readonly unknown[]): null => {
    expectCount(p, 1, 1)
    impersonation.add(paramAddress(p, 0))
    return null
  }
  const stop = (p: readonly unknown[]): null => {
    expectCount(p, 1, 1)
    impersonation.delete(paramAddress(p, 0))
    return null
  }
  return {
    anvil_impersonateAccount: start,
    hardhat_impersonateAccount: start,
    anvil_stopImpersonatingAccount: stop,
    hardhat_stopImpersonatingAccount: stop,
    anvil_autoImpersonateAccount: (p) => {
      expectCount(p, 1, 1)
      if (typeof p[0] !== 'boolean') throw invalidParam(0, 'a boolean (true: impersonate every sender)')
      impersonation.setAuto(p[0])
      return null
    },
  }
}
