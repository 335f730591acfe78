import { z } from '@rollup-mesh/core'
import { chainNodeConfigFields } from '../../../src/node/config.js'

/**
 * The config schema of the chain-node tests: the skeleton's own fields plus what a node kind adds (block
 * time, gas limit, decode threads, p2p off unless asked), with the block time each test wants by default.
 */
export function testNodeConfigSchema(blockTimeMs: number) {
  return z.object({
    ...chainNodeConfigFields,
    decodeWorkers: z.number().default(0),
    blockTimeMs: z.number().default(blockTimeMs),
    blockGasLimit: z.bigint().default(30_000_000n),
    p2p: z
      .object({
        enabled: z.boolean().default(false),
        listen: z.array(z.string()).default([]),
        bootstrap: z.array(z.string()).default([]),
      })
      .prefault({}),
  })
}
