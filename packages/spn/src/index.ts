import { vmOfInitCode } from '@rollup-mesh/dual-vm'
import { topicName } from '@rollup-mesh/p2p'

export {
  defaultSPNOptions,
  parseSPNConfig,
  type SPNConfig,
  type SPNConfigInput,
  spnConfigSchema,
} from './config.js'
export { createSPNNode, type SPNNode, type SPNNodeInit, spnGenesisAlloc } from './node.js'

/** The gossip topics an SPN named `network` publishes on. */
export function spnTopics(network: string): { headers: string; txs: string; settlements: string } {
  return {
    headers: topicName(network, 'headers'),
    txs: topicName(network, 'txs'),
    settlements: topicName(network, 'settlements'),
  }
}

export { vmOfInitCode }
