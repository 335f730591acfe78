import type { Chain, RPCMethods } from '@rollup-mesh/chain'
import { createDeliveryRPCMethods } from './delivery/rpc.js'
import type { DeliveryService } from './delivery/service.js'
import type { SPNExitTree } from './settlement/exitTree.js'
import { createExitTreeRPCMethods } from './settlement/rpc.js'
import type { SettlementService } from './settlement/service.js'
import { createSettlementRPCMethods } from './settlement/settlementsRPC.js'

/**
 * The SPN's `mesh_` methods: the exit tree's (`mesh_getMessagesByTx`, `mesh_getMessages`, `mesh_getExitProof`), the
 * settlement service's (`mesh_getSettlements`) and delivery's (`mesh_getInbox`), each checking its params with
 * chain's helpers.
 */
export function spnRPCMethods(parts: {
  chain: Chain
  exitTree: SPNExitTree | undefined
  delivery: DeliveryService | undefined
  settlement?: SettlementService | undefined
}): RPCMethods {
  return {
    ...createExitTreeRPCMethods(parts.chain, parts.exitTree),
    ...createDeliveryRPCMethods(parts.delivery),
    ...createSettlementRPCMethods(parts.settlement),
  }
}
