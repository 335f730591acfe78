import { numberToHex } from 'viem'
import type { Chain } from '../chain.js'
import type { NodeNetwork } from './network.js'

/** What every node's `mesh_nodeInfo` returns; a node adds its own fields. */
export type NodeInfoBase = {
  role: string
  chainId: `0x${string}`
  peerId: string | undefined
  multiaddrs: string[]
  peers: string[]
  heights: { head: `0x${string}`; headHash: `0x${string}` }
  mempool: ReturnType<Chain['mempool']['stats']>
  uptimeMs: number
}

/** The shared part of `mesh_nodeInfo`: role, chain id, peers, head and mempool. */
export function nodeInfoBase(
  role: string,
  chain: Chain,
  p2p: NodeNetwork | undefined,
  startedAt: number,
): NodeInfoBase {
  const head = chain.head()
  return {
    role,
    chainId: numberToHex(chain.chainId),
    peerId: p2p?.peerId,
    multiaddrs: p2p?.getMultiaddrs() ?? [],
    peers: p2p?.getPeers() ?? [],
    heights: { head: numberToHex(head.number), headHash: head.hash },
    mempool: chain.mempool.stats(),
    uptimeMs: Date.now() - startedAt,
  }
}
