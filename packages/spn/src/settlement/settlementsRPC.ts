import { expectCount, invalidParam, parseQuantity, type RPCMethods } from '@rollup-mesh/chain'
import { numberToHex } from 'viem'
import type { SettlementService } from './service.js'

/**
 * The settlement service's `mesh_` JSON-RPC method. `mesh_getSettlements [fromBatch?]`: the settlements this
 * SPN built from batch `fromBatch` (default 0), each with its block range, exit-tree range, roots, header hash,
 * status (`pending` until the main net accepted it, then `accepted`) and the main-net transaction that carried
 * it (null before it was sent). A settlement is recorded once its TEE quote and, when it carries exit-tree
 * leaves, its Groth16 proof are built (one without leaves needs no proof). `[]` on an SPN that does not settle.
 */
export function createSettlementRPCMethods(settlement: SettlementService | undefined): RPCMethods {
  return {
    mesh_getSettlements: (params) => {
      expectCount(params, 0, 1)
      const raw = params[0]
      let from = 0
      if (raw !== undefined && raw !== null) {
        const expected = () => invalidParam(0, 'a batch index (a non-negative JSON number or a hex quantity)')
        if (typeof raw === 'number') {
          if (!Number.isSafeInteger(raw) || raw < 0) throw expected()
          from = raw
        } else from = Number(parseQuantity(raw, expected))
      }
      return (settlement?.settlements() ?? [])
        .filter((s) => s.batch >= from)
        .map((s) => ({
          batch: s.batch,
          fromBlock: numberToHex(s.header.fromBlock),
          toBlock: numberToHex(s.header.toBlock),
          startIndex: numberToHex(s.header.startIndex),
          leafCount: numberToHex(s.header.leafCount),
          newStateRoot: s.header.newStateRoot,
          newExitRoot: s.header.newExitRoot,
          headerHash: s.headerHash,
          status: s.status,
          transactionHash: s.txHash ?? null,
        }))
    },
  }
}
