import { SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import type { CustomPrecompiles } from '@rollup-mesh/dual-vm'
import type { MainnetConfig } from './config.js'
import { CONSENSUS_ADDRESSES } from './consensus/consensusAddresses.js'
import { createPopVerifierPrecompile } from './consensus/popPrecompile.js'
import { createQuoteVerifierPrecompile } from './precompile.js'

/**
 * The main net's custom precompiles: the TEE quote verifier (trusting the config's roots, else Intel's) and
 * the BLS proof-of-possession verifier that validator governance calls.
 * The node executes blocks with them, and a replay re-executes with the same ones.
 *
 * @example
 * ```ts
 * const executor = createSerialExecutor({ precompiles: mainnetPrecompiles(config) })
 * ```
 */
export function mainnetPrecompiles(config: Pick<MainnetConfig, 'teeTrustedRootsPem'>): CustomPrecompiles {
  return new Map([
    [
      SYSTEM_ADDRESSES.mainnet.quoteVerifier,
      createQuoteVerifierPrecompile(
        config.teeTrustedRootsPem ? { trustedRoots: config.teeTrustedRootsPem } : {},
      ),
    ],
    [CONSENSUS_ADDRESSES.popVerifier, createPopVerifierPrecompile()],
  ])
}
