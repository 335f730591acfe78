import type { Groth16Proof, ProgressEvent } from '@rollup-mesh/core'
import type { SettlementBatch } from './exit-tree.js'

/** Parent → prover child (IPC, advanced serialization: bigints travel as bigints). */
export type ProverRequest =
  | { type: 'init'; niceness: number; threadsIdleMs: number }
  | { type: 'prove'; id: number; batch: SettlementBatch }

/** Prover child → parent. */
export type ProverResponse =
  | { type: 'ready'; pid: number; curveStarts: number }
  | { type: 'progress'; id: number; progress: ProgressEvent }
  | { type: 'proof'; id: number; proof: Groth16Proof; curveStarts: number }
  | {
      type: 'error'
      id: number
      error: { name: string; code?: string | undefined; message: string; shortMessage?: string | undefined }
    }
