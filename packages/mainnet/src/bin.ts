#!/usr/bin/env node
import '@rollup-mesh/core/polyfill'
import { runNodeProcess } from '@rollup-mesh/chain'
import { MAINNET_NETWORK } from '@rollup-mesh/core'
import { type MainnetConfigInput, parseMainnetConfig } from './config.js'
import { createMainnetNode } from './node.js'

/**
 * `node packages/mainnet/dist/bin.js --config <file>`: runs the main-net node (single validator); the
 * process itself is chain's `runNodeProcess`.
 */
runNodeProcess({
  name: 'mainnet',
  parseConfig: parseMainnetConfig,
  loggerName: () => MAINNET_NETWORK,
  start: async (raw, _config, logger) => {
    const node = createMainnetNode({ config: raw as MainnetConfigInput, logger })
    await node.start()
    return {
      node,
      ready: {
        network: MAINNET_NETWORK,
        rpcUrl: node.rpcUrl,
        wsUrl: node.wsUrl,
        peerId: node.p2p?.peerId,
        multiaddrs: node.p2p?.getMultiaddrs() ?? [],
        validator: node.validator,
      },
    }
  },
})
