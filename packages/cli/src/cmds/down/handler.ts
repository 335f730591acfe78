import { stopPid } from '../../mesh/spawn.js'
import { isAlive, requireState, resolveDataDir, writeState } from '../../mesh/state.js'
import { dumpMeshState } from '../../mesh/stateDumpFile.js'
import { createOut } from '../../output.js'
import type { DownOptions } from './options.js'

/** Stops the mesh recorded in the data dir: its supervising `mesh up` (if any), then each node, by pid. */
export async function downHandler(options: DownOptions): Promise<number> {
  const out = createOut(options.json)
  const dataDir = resolveDataDir(options.dataDir)
  const state = requireState(dataDir)
  const results: { name: string; pid: number; result: string }[] = []
  // A detached mesh started with --dump-state is dumped here (a supervising `mesh up` dumps on its signal).
  const supervised = state.supervisorPid !== undefined && isAlive(state.supervisorPid)
  if (state.dumpState && !supervised) {
    const live = state.networks.filter((n) => isAlive(n.pid))
    if (live.length) {
      const dumped = await dumpMeshState(live, state.dumpState)
      out.line(`State of ${dumped.join(', ')} written to ${state.dumpState}`)
    }
  }
  if (state.supervisorPid && isAlive(state.supervisorPid)) {
    results.push({
      name: 'mesh up',
      pid: state.supervisorPid,
      result: await stopPid(state.supervisorPid, 20_000),
    })
  }
  await Promise.all(
    state.networks.map(async (n) => {
      const result = isAlive(n.pid) ? await stopPid(n.pid) : 'not running'
      results.push({ name: n.name, pid: n.pid, result })
    }),
  )
  const { supervisorPid: _gone, ...rest } = state
  writeState(dataDir, rest)
  for (const r of results) out.line(`${r.name.padEnd(8)} pid ${String(r.pid).padEnd(8)} ${r.result}`)
  const stopped = results.filter((r) => r.result === 'stopped' || r.result === 'killed').length
  out.line(stopped > 0 ? `Mesh in ${dataDir} stopped.` : `Nothing was running in ${dataDir}.`)
  out.result({ dataDir, stopped: results })
  return 0
}
