import type { NodeMetrics } from '@rollup-mesh/chain'
import type { Inbox, InboxStatus } from './inbox.js'

/** The inbox statuses `mesh_delivery_messages` reports (`queued` is `mesh_deliveries_pending`). */
const DONE: readonly InboxStatus[] = ['delivered', 'failed', 'error']

/**
 * The delivery service's metrics in the node's registry, read from the inbox at scrape time (so they are
 * right after a restart): `mesh_delivery_messages{status}` (delivered, failed: the recipient's call failed,
 * error: given up after its attempts reverted) and `mesh_deliveries_pending` (queued for the next blocks).
 *
 * @example
 * ```ts
 * registerDeliveryMetrics(metrics, inbox)
 * await metrics.scrape() // '…mesh_delivery_messages{status="delivered"} 3\n…mesh_deliveries_pending 0…'
 * ```
 */
export function registerDeliveryMetrics(metrics: NodeMetrics, inbox: Pick<Inbox, 'counts'>): void {
  const count = (status: InboxStatus) => inbox.counts().find((r) => r.status === status)?.n ?? 0
  metrics.gauge({
    name: 'mesh_delivery_messages',
    help: 'Cross-network messages addressed to this SPN by outcome: delivered, failed (the recipient call failed), error (given up).',
    labelNames: ['status'],
    collect: () => {
      const counts = inbox.counts()
      return DONE.map((status) => ({
        labels: { status },
        value: counts.find((r) => r.status === status)?.n ?? 0,
      }))
    },
  })
  metrics.gauge({
    name: 'mesh_deliveries_pending',
    help: 'Messages checked against a finalized exit root and queued for delivery in the next blocks.',
    collect: () => count('queued'),
  })
}
