import { vmOfInitCode } from '@rollup-mesh/dual-vm'
import { topicName } from '@rollup-mesh/p2p'

/** Defaults every SPN init field falls back to (one place, lodestar-style). */
export const defaultSPNOptions = {
  blockTimeMs: 500,
  blockGasLimit: 1_000_000_000n,
  rpcHost: '127.0.0.1',
  rpcPort: 0,
} as const

/** The gossip topics an SPN named `network` publishes on. */
export function spnTopics(network: string): { headers: string; txs: string; settlements: string } {
  return {
    headers: topicName(network, 'headers'),
    txs: topicName(network, 'txs'),
    settlements: topicName(network, 'settlements'),
  }
}

export { vmOfInitCode }
