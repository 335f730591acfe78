import { expectCount, invalidParam, type RPCMethods } from '@rollup-mesh/chain'
import { type Address, type Hash, type Hex, numberToHex } from 'viem'
import type { InboxMessage, InboxStatus } from './inbox.js'
import type { DeliveryService } from './service.js'

/** An inbox message as `mesh_getInbox` returns it (quantities as hex, absent values as null). */
export type InboxEntryJSON = {
  srcSpn: Hex
  position: Hex
  sender: Address
  to: Address
  value: Hex
  data: Hex
  root: Hash
  settlementIndex: Hex
  status: InboxStatus
  transactionHash: Hash | null
  blockNumber: Hex | null
  error: string | null
}

export function inboxEntryJSON(m: InboxMessage): InboxEntryJSON {
  return {
    srcSpn: numberToHex(m.srcSpn),
    position: numberToHex(m.position),
    sender: m.sender,
    to: m.to,
    value: numberToHex(m.value),
    data: m.data,
    root: m.root,
    settlementIndex: numberToHex(m.settlementIndex),
    status: m.status,
    transactionHash: m.txHash ?? null,
    blockNumber: m.block === undefined ? null : numberToHex(m.block),
    error: m.error ?? null,
  }
}

const STATUSES: readonly InboxStatus[] = ['queued', 'delivered', 'failed', 'error']

/**
 * Delivery's `mesh_` JSON-RPC methods. `mesh_getInbox [status?]`: the messages from other SPNs addressed
 * here, with their delivery status (empty without a delivery service).
 */
export function createDeliveryRPCMethods(delivery: DeliveryService | undefined): RPCMethods {
  return {
    mesh_getInbox: (params) => {
      expectCount(params, 0, 1)
      const status = params[0]
      if (status !== undefined && status !== null && !STATUSES.includes(status as InboxStatus))
        throw invalidParam(0, `a status: one of ${STATUSES.join(', ')}`)
      const filter = status ? { status: status as InboxStatus } : {}
      return (delivery?.messages(filter) ?? []).map(inboxEntryJSON)
    },
  }
}
