#!/usr/bin/env node
import '@rollup-mesh/core/polyfill'
import { runNodeProcess } from '@rollup-mesh/chain'
import { parseSPNConfig, type SPNConfigInput } from './config.js'
import { createSPNNode } from './node.js'
import { writeSPNRegistration } from './registration.js'

/**
 * `node packages/spn/dist/bin.js --config <file>`: runs one SPN (the process itself is chain's
 * `runNodeProcess`). With a `settlement` section, the ready line and `<dataDir>/settlement.json` say what
 * the SPN must be registered with on the main net.
 */
runNodeProcess({
  name: 'spn',
  parseConfig: parseSPNConfig,
  loggerName: (config) => config.spnId,
  start: async (raw, config, logger) => {
    const node = createSPNNode({ config: raw as SPNConfigInput, logger })
    await node.start()
    const settlement = writeSPNRegistration(node)
    return {
      node,
      ready: {
        spnId: config.spnId,
        rpcUrl: node.rpcUrl,
        wsUrl: node.wsUrl,
        peerId: node.p2p?.peerId,
        multiaddrs: node.p2p?.getMultiaddrs() ?? [],
        ...(settlement ? { settlement } : {}),
      },
    }
  },
})
