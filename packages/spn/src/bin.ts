#!/usr/bin/env node
import { SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import '@rollup-mesh/core/polyfill'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runNodeProcess } from '@rollup-mesh/chain'
import { bytesToHex } from 'viem'
import { parseSPNConfig, type SPNConfigInput } from './config.js'
import { createSPNNode, spnNumericId } from './node.js'

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
    const settlement = node.settlement?.enclave
      ? {
          spnId: spnNumericId(config)?.toString(),
          operator: node.settlement.operator,
          measurement: bytesToHex(node.settlement.enclave.measurement),
          simulatedRoot: bytesToHex(node.settlement.enclave.rootCertificateDer),
          genesisStateRoot: node.chain.store.getHeaderByNumber(0n)?.stateRoot,
          mailbox: SYSTEM_ADDRESSES.spn.mailbox,
        }
      : undefined
    if (settlement) writeFileSync(join(config.dataDir, 'settlement.json'), `${JSON.stringify(settlement)}\n`)
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
