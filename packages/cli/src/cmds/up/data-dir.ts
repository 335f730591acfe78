// `mesh up`'s data dir: whether a mesh already runs in it, and `--fresh`'s guarded delete.
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { MeshCliError } from '../../errors.js'
import { isAlive, type MeshState, readState, STATE_FILE } from '../../mesh/state.js'

/** The mesh recorded in `dataDir` when its supervisor or a node of it still runs. */
export function liveState(dataDir: string): MeshState | undefined {
  try {
    const state = readState(dataDir)
    if (state && (isAlive(state.supervisorPid) || state.networks.some((n) => isAlive(n.pid)))) return state
  } catch {
    // an unreadable state file is not a running mesh
  }
  return undefined
}

/** `--fresh`: deletes the data dir, but only one that `mesh up` made (or an empty one). */
export function wipe(dataDir: string): void {
  if (!existsSync(dataDir)) return
  const entries = readdirSync(dataDir)
  const isMesh =
    entries.length === 0 ||
    entries.includes(STATE_FILE) ||
    entries.some((e) => existsSync(join(dataDir, e, 'node.json')))
  if (!isMesh)
    throw new MeshCliError(`--fresh would delete ${dataDir}, which is not a mesh data dir.`, {
      code: 'NOT_A_MESH_DIR',
      metaMessages: ['- Pass a --data-dir that `mesh up` created, or a new one.'],
    })
  rmSync(dataDir, { recursive: true, force: true })
}
