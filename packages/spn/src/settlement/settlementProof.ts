import { type SettlementHeader, settlementHashField } from '@rollup-mesh/chain'
import type { Groth16Proof, Logger, Prover } from '@rollup-mesh/core'
import type { SettlementBatch } from '@rollup-mesh/zk-bridge'
import type { SettlementMetrics } from './settlementMetrics.js'

/** What a settlement without a proof passes as public signals (Settlement.sol does not read them then). */
export const NO_PROOF_SIGNALS: readonly string[] = ['0', '0', '0', '0', '0']

/**
 * The Groth16 proof of a settlement batch's exit-tree append (bound to the header's hash), timed, logged and
 * counted. Only a batch with leaves is proved: one without settles with empty proof bytes.
 *
 * @example
 * ```ts
 * const proof = await proveSettlementBatch({ prover, log, counters }, batch.index, header, zk)
 * ```
 */
export async function proveSettlementBatch(
  ctx: { prover: Prover<SettlementBatch>; log: Logger; counters: SettlementMetrics },
  index: number,
  header: SettlementHeader,
  zk: SettlementBatch,
): Promise<Groth16Proof> {
  const { prover, log, counters } = ctx
  const started = performance.now()
  const leaves = zk.leaves.length
  const range = { fromBlock: Number(header.fromBlock), toBlock: Number(header.toBlock) }
  log.info({ batch: index, ...range, leaves }, 'proving settlement')
  const proof = await prover.prove(
    { ...zk, settlementHash: settlementHashField(header) },
    { onProgress: (p) => log.debug({ batch: index, stage: p.stage, done: p.done, total: p.total }, 'prove') },
  )
  const provedMs = Math.round(performance.now() - started)
  counters.proved(provedMs / 1000, leaves)
  log.info({ batch: index, provedMs }, 'settlement proved')
  return proof
}
