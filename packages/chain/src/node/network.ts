import type { Logger, Startable } from '@rollup-mesh/core'

/** The node's libp2p host as the skeleton sees it (p2p's `P2P` fits; chain does not depend on p2p). */
export interface NodeNetwork extends Startable {
  readonly peerId: string
  getMultiaddrs(): string[]
  getPeers(): string[]
}

/** What the skeleton hands the node's network factory: the config's `p2p` section, the data dir and logger. */
export type NodeNetworkOptions = {
  dataDir: string
  listen: string[]
  announce?: string[]
  bootstrap: string[]
  logger: Logger
}
