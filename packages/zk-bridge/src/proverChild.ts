/**
 * The settlement prover's child process (started by `proverProcess.ts:createProverProcess`): lowers its
 * own threads' OS priority, loads the artifacts and starts the curve's threads (`warmZkProver`), then proves each batch the parent sends over IPC with `proveSettlement` and
 * answers with the proof, progress or a coded error. It exits when the parent goes (IPC disconnect).
 */
import '@rollup-mesh/core/polyfill'
import { readdirSync } from 'node:fs'
import { setPriority } from 'node:os'
import type { BaseError } from '@rollup-mesh/core'
import type { SettlementBatch } from './exit-tree.js'
import { proveSettlement, setZkThreadsIdleTimeout, warmZkProver, zkCurveStarts } from './prover.js'
import type { ProverRequest, ProverResponse } from './proverMessages.js'

/** Every thread of this process at `niceness` (Linux keeps a nice value per thread; elsewhere the process). */
function lowerPriority(niceness: number): void {
  let tids: number[] = []
  try {
    tids = readdirSync('/proc/self/task').map(Number)
  } catch {
    tids = [process.pid]
  }
  for (const tid of tids) {
    try {
      setPriority(tid, niceness)
    } catch {
      // a thread that already exited, or a priority the OS refuses: the rest still run lower
    }
  }
}

const send = (msg: ProverResponse) => process.send?.(msg)

process.on('disconnect', () => process.exit(0))
process.on('message', (msg: ProverRequest) => {
  if (msg.type === 'init') {
    lowerPriority(msg.niceness)
    setZkThreadsIdleTimeout(msg.threadsIdleMs)
    // Artifacts loaded (and checked against the manifest) and the curve's threads started before the first
    // proof is asked for; a failure here is the first proof's to report.
    const ready = () => send({ type: 'ready', pid: process.pid, curveStarts: zkCurveStarts() })
    warmZkProver().then(ready, ready)
    return
  }
  if (msg.type !== 'prove') return
  const batch: SettlementBatch = msg.batch
  proveSettlement(batch, { onProgress: (p) => send({ type: 'progress', id: msg.id, progress: p }) }).then(
    (proof) => send({ type: 'proof', id: msg.id, proof, curveStarts: zkCurveStarts() }),
    (err: unknown) => {
      const e = err as Partial<BaseError> & Error
      send({
        type: 'error',
        id: msg.id,
        error: { name: e.name ?? 'Error', code: e.code, message: e.message, shortMessage: e.shortMessage },
      })
    },
  )
})
