import { type Chain, recoveryBackend } from '@rollup-mesh/chain'
import { bytesToHex, numberToHex } from 'viem'
import type { SPNConfig } from './config.js'
import type { DeliveryService } from './delivery/service.js'
import type { SPNExitTree } from './settlement/exitTree.js'
import type { SettlementService } from './settlement/service.js'

/**
 * The SPN's own `mesh_nodeInfo` fields (over the skeleton's role, chain id, peers, head and mempool): its
 * id, VMs and executor, the main-net head it follows, its exit tree, settlement operator and inbox.
 */
export function spnNodeInfo(parts: {
  config: SPNConfig
  chain: Chain
  mainnetHead: bigint | undefined
  exitTree: SPNExitTree | undefined
  settlement: SettlementService | undefined
  delivery: DeliveryService | undefined
}): Record<string, unknown> {
  const { config, chain, mainnetHead, exitTree, settlement, delivery } = parts
  const head = chain.head()
  const d = delivery?.status()
  return {
    spnId: config.spnId,
    vms: ['evm', 'wasm'],
    executor: config.executor,
    heights: {
      head: numberToHex(head.number),
      headHash: head.hash,
      ...(mainnetHead !== undefined ? { mainnet: numberToHex(mainnetHead) } : {}),
    },
    senderRecovery: recoveryBackend(),
    ...(exitTree
      ? {
          exitTree: {
            root: exitTree.root,
            openBatch: exitTree.status.openBatch,
            openLeaves: exitTree.status.openCount,
            size: exitTree.status.size,
          },
        }
      : {}),
    ...(settlement
      ? {
          settlement: {
            operator: settlement.operator,
            measurement: settlement.enclave ? bytesToHex(settlement.enclave.measurement) : undefined,
          },
        }
      : {}),
    ...(d
      ? {
          messages: {
            pending: d.queued,
            delivered: d.delivered,
            failed: d.failed,
            error: d.error,
            mainnetBlock: numberToHex(d.mainnetBlock < 0n ? 0n : d.mainnetBlock),
          },
        }
      : {}),
  }
}
