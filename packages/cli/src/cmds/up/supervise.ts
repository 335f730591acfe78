// The foreground `mesh up`: waits for Ctrl-C/SIGTERM or a node's crash, then stops every node.
import { logTail, type SpawnedNode, stopPid } from '../../mesh/spawn.js'
import { type MeshState, writeState } from '../../mesh/state.js'
import type { Out } from '../../output.js'

/**
 * Waits for Ctrl-C/SIGTERM (stops every node, exit 0) or a node crash (reports it, stops the rest, exit 1).
 * `beforeStop` runs first on a signal (`--dump-state`), while every node still answers; its failure is
 * reported and the nodes are stopped all the same.
 */
export function supervise(
  spawned: SpawnedNode[],
  state: MeshState,
  out: Out,
  beforeStop?: () => Promise<void>,
): Promise<number> {
  return new Promise<number>((resolveExit) => {
    let stopping = false
    const stopAll = async (code: number) => {
      stopping = true
      await Promise.all(spawned.map((s) => stopPid(s.pid)))
      const { supervisorPid: _gone, ...rest } = state
      writeState(state.dataDir, rest)
      resolveExit(code)
    }
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return
      out.progress(`\n${signal}: stopping ${spawned.length} node(s)…`)
      stopping = true
      void (beforeStop?.() ?? Promise.resolve())
        .catch((err: Error) => process.stderr.write(`mesh: --dump-state failed: ${err.message}\n`))
        .then(() => stopAll(0))
        .then(() => out.progress('Stopped.'))
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    for (const s of spawned) {
      s.proc.on('exit', (code, signal) => {
        if (stopping) return
        process.stderr.write(
          `mesh: ${s.name} (pid ${s.pid}) stopped unexpectedly (${signal ?? `exit code ${code}`}).\nLast lines of ${s.logFile}:\n${logTail(s.logFile)}\nStopping the other nodes.\n`,
        )
        void stopAll(1)
      })
    }
  })
}
