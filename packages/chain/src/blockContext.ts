import type { BlockContext } from '@rollup-mesh/core'
import { prevRandaoOf, type StoredHeader } from './block.js'
import type { Chain } from './chain.js'

/** The context block `h` was executed in (what the producer gave the executor when it sealed it). */
export function blockContextOf(chain: Chain, h: StoredHeader): BlockContext {
  const from = h.number > 256n ? h.number - 256n : 0n
  return {
    number: h.number,
    timestamp: h.timestamp,
    coinbase: h.coinbase,
    baseFeePerGas: h.baseFeePerGas,
    gasLimit: h.gasLimit,
    chainId: chain.chainId,
    prevRandao: prevRandaoOf(h.parentHash, h.number),
    recentHashes: h.number > 0n ? chain.store.getHashes(from, h.number - 1n) : [],
  }
}
