import { type Chain, expectCount, paramHex, paramQuantity, type RPCMethods } from '@rollup-mesh/chain'
import { encodeHeader } from '@rollup-mesh/p2p'
import { bytesToHex } from 'viem'
import type { HeaderGossip } from './headerGossip.js'

/** The main net's `mesh_` methods (params checked with chain's helpers, like `eth_`'s). */
export function mainnetRPCMethods(parts: { chain: Chain; gossip: HeaderGossip }): RPCMethods {
  const { chain, gossip } = parts
  return {
    /** `[blockNumber]` → the validator-signed p2p header of that block, RLP hex (p2p's `encodeHeader`), or null. */
    mesh_getSignedHeader: async (params) => {
      expectCount(params, 1, 1)
      const header = await gossip.signedHeader(paramQuantity(params, 0))
      return header ? bytesToHex(encodeHeader(header)) : null
    },
    /** `[txHash]` → the signed transaction's raw bytes as stored in a block, or null. */
    mesh_getRawTransaction: (params) => {
      expectCount(params, 1, 1)
      const hash = paramHex(params, 0, 32)
      return chain.store.getTx(hash)?.raw ?? null
    },
  }
}
