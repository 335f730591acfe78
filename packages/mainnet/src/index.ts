import { topicName } from '@rollup-mesh/p2p'
import { TEE_TYPE } from '@rollup-mesh/tee-attest'
import { EXIT_TREE_DEPTH } from '@rollup-mesh/zk-bridge'

/** The main net's network name in topics and configs. */
export const MAINNET_NETWORK = 'mainnet'

/** Defaults of the main-net node. */
export const defaultMainnetOptions = {
  chainId: 900,
  blockTimeMs: 1000,
  headersTopic: topicName(MAINNET_NETWORK, 'headers'),
  exitTreeDepth: EXIT_TREE_DEPTH,
  acceptedTeeTypes: [TEE_TYPE.sgx],
} as const
