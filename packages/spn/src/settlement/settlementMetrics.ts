import type { NodeMetrics } from '@rollup-mesh/chain'

/** What the settlement service counts, in the node's registry (chain's README lists them). */
export type SettlementMetrics = {
  proved(seconds: number, leaves: number): void
  submitted(): void
  accepted(): void
}

/** The settlement service's metrics; without a registry, nothing is recorded. */
export function createSettlementMetrics(metrics: NodeMetrics | undefined): SettlementMetrics {
  if (!metrics) return { proved: () => {}, submitted: () => {}, accepted: () => {} }
  const settlements = metrics.counter({
    name: 'mesh_settlements_total',
    help: 'Settlements of this SPN by step: proved (and attested), submitted to the main net, accepted there.',
    labelNames: ['step'],
  })
  const prove = metrics.histogram({
    name: 'mesh_settlement_prove_seconds',
    help: 'Wall time of each settlement proof, by whether its batch carried messages.',
    labelNames: ['messages'],
    buckets: [0.5, 1, 2, 4, 8, 16, 32, 64, 128],
  })
  return {
    proved(seconds, leaves) {
      settlements.inc({ step: 'proved' })
      prove.observe({ messages: leaves > 0 ? 'yes' : 'no' }, seconds)
    },
    submitted: () => settlements.inc({ step: 'submitted' }),
    accepted: () => settlements.inc({ step: 'accepted' }),
  }
}
