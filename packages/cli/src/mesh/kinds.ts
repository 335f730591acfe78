import type { Logger } from '@rollup-mesh/core'
import type { NodeKind } from './state.js'

/** A node running in this process (what `mesh node start` holds). */
export type RunningNode = {
  rpcUrl: string
  wsUrl: string
  /** An SPN with a `settlement` section: what governance registers on the main net (spn's bin prints the same). */
  settlement?: SPNRegistration
  stop(): Promise<void>
}

/** What `registerSPN` needs from an SPN (spn's `<dataDir>/settlement.json`). */
export type SPNRegistration = {
  spnId: string
  operator: string
  measurement: string
  simulatedRoot: string
  genesisStateRoot: string
  mailbox: string
}

/** How one kind of node is started in-process from its config object. */
export type NodeKindSpec = {
  describe: string
  start(config: Record<string, unknown>, logger: Logger): Promise<RunningNode>
}

/**
 * The node kinds `mesh node start` can run (and so `mesh up` can spawn).
 * The main net slots in here: its package's `createMainnetNode` takes the
 * same `{ config, logger }` init as the SPN's and returns the same shape.
 */
export const nodeKinds: Record<NodeKind, NodeKindSpec> = {
  spn: {
    describe: 'an SPN (EVM + WASM execution, block production, JSON-RPC)',
    async start(config, logger) {
      const { createSPNNode, writeSPNRegistration } = await import('@rollup-mesh/spn')
      const node = createSPNNode({ config: config as Parameters<typeof createSPNNode>[0]['config'], logger })
      await node.start()
      // As spn's bin: what governance registers on the main net, also in <dataDir>/settlement.json.
      const settlement = writeSPNRegistration(node)
      return {
        rpcUrl: node.rpcUrl,
        wsUrl: node.wsUrl,
        ...(settlement ? { settlement } : {}),
        stop: () => node.stop(),
      }
    },
  },
  mainnet: {
    describe: 'the main net (consensus, system contracts, settlement acceptance)',
    async start(config, logger) {
      const mod = (await import('@rollup-mesh/mainnet')) as Record<string, unknown>
      const create = mod.createMainnetNode as
        | ((init: { config: unknown; logger: Logger }) => {
            start(): Promise<void>
            stop(): Promise<void>
            rpcUrl: string
            wsUrl: string
          })
        | undefined
      if (typeof create !== 'function') {
        const { MeshCliError } = await import('../errors.js')
        throw new MeshCliError('This build of @rollup-mesh/mainnet has no createMainnetNode yet.', {
          code: 'MAINNET_UNAVAILABLE',
        })
      }
      const node = create({ config, logger })
      await node.start()
      return { rpcUrl: node.rpcUrl, wsUrl: node.wsUrl, stop: () => node.stop() }
    },
  },
}
