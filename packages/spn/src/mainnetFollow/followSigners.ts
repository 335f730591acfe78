import { type Logger, MAINNET_NETWORK } from '@rollup-mesh/core'
import type { P2P } from '@rollup-mesh/p2p'
import { createMainnetSignerGate, type MainnetSignerGate } from './signerGate.js'
import { mainnetValidatorsOverRPC } from './validatorsRPC.js'

/**
 * Puts the signer gate on an SPN's `mainnet` header and settlement topics, its set read from the main net at
 * `mainnetRpcUrl` (first read now). Without a main-net RPC URL the SPN has nothing to check signers against,
 * so it ignores main-net headers and settlements altogether rather than trusting any signer.
 */
export function followMainnetSigners(
  p2p: P2P,
  mainnetRpcUrl: string | undefined,
  logger: Logger,
): MainnetSignerGate | undefined {
  if (!mainnetRpcUrl) {
    p2p.setValidator(MAINNET_NETWORK, 'headers', () => 'ignore')
    p2p.setValidator(MAINNET_NETWORK, 'settlements', () => 'ignore')
    return undefined
  }
  const gate = createMainnetSignerGate({
    fetchValidators: mainnetValidatorsOverRPC(mainnetRpcUrl),
    logger: logger.child({ module: 'mainnet-signers' }),
  })
  p2p.setValidator(MAINNET_NETWORK, 'headers', gate.verdict)
  p2p.setValidator(MAINNET_NETWORK, 'settlements', gate.verdict)
  void gate.refresh()
  return gate
}
