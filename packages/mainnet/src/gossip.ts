import type { SealedBlock } from '@rollup-mesh/chain'
import { SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import type { Settlement } from '@rollup-mesh/p2p'
import { decodeEventLog, decodeFunctionData, type Hex, isAddressEqual } from 'viem'
import { settlementAbi } from './contracts.generated.js'
import { decodeSettlementHeader } from './header.js'

/**
 * The settlements a sealed main-net block accepted, as p2p `Settlement`s (what the node gossips, signed by
 * the validator, on `/rollup-mesh/1/mainnet/settlements`): one per `SettlementAccepted` of a successful
 * transaction that called `Settlement.submit` directly. `leaves` is the header's `leafCount`.
 */
export function acceptedSettlements(block: Pick<SealedBlock, 'txs' | 'receipts'>): Settlement[] {
  const out: Settlement[] = []
  block.receipts.forEach((receipt, i) => {
    const tx = block.txs[i]
    if (!tx?.to || receipt.status !== 1 || !isAddressEqual(tx.to, SYSTEM_ADDRESSES.mainnet.settlement)) return
    const accepted = receipt.logs.some((l) => {
      if (!isAddressEqual(l.address, SYSTEM_ADDRESSES.mainnet.settlement)) return false
      try {
        return (
          decodeEventLog({ abi: settlementAbi, topics: l.topics as [Hex], data: l.data }).eventName ===
          'SettlementAccepted'
        )
      } catch {
        return false
      }
    })
    if (!accepted) return
    try {
      const { functionName, args } = decodeFunctionData({ abi: settlementAbi, data: tx.data })
      if (functionName !== 'submit') return
      const [encodedHeader, proof, , quote] = args as readonly [Hex, Hex, readonly bigint[], Hex]
      const h = decodeSettlementHeader(encodedHeader)
      out.push({
        spnId: h.spnId,
        fromBlock: h.fromBlock,
        toBlock: h.toBlock,
        prevStateRoot: h.prevStateRoot,
        newStateRoot: h.newStateRoot,
        prevExitRoot: h.prevExitRoot,
        newExitRoot: h.newExitRoot,
        leaves: h.leafCount,
        proof,
        quote,
      })
    } catch {
      // not a plain submit call: nothing to gossip
    }
  })
  return out
}
