import { startExplorerServer } from '@rollup-mesh/explorer'
import { readNodeFile } from '../../mesh/plan.js'
import { isAlive, requireState, resolveDataDir } from '../../mesh/state.js'
import { createOut } from '../../output.js'
import { currentExplorerEndpoints } from './endpoints.js'
import { openInBrowser } from './open.js'
import type { ExplorerOptions } from './options.js'

/** Whether the nodes' CORS lists (their node.json) accept a page served on 127.0.0.1:`port`. */
function nodesAccept(configFiles: string[], port: number): boolean {
  return configFiles.every((f) => {
    try {
      const cors = ((readNodeFile(f).config.rpc ?? {}) as { corsOrigins?: string[] }).corsOrigins ?? []
      return cors.includes('*') || cors.includes(`http://127.0.0.1:${port}`)
    } catch {
      return false
    }
  })
}

/**
 * `mesh explorer`: serves the explorer for the mesh in the data dir (its endpoints from the state file, as
 * `mesh status` reads them) until Ctrl-C. When the foreground `mesh up` already serves it, says where.
 */
export async function explorerHandler(options: ExplorerOptions): Promise<number> {
  const out = createOut(options.json)
  const dataDir = resolveDataDir(options.dataDir)
  const state = requireState(dataDir)
  const served = state.explorer?.url
  if (
    served &&
    state.supervisorPid !== undefined &&
    isAlive(state.supervisorPid) &&
    options.port === undefined
  ) {
    out.line(`The explorer of this mesh is served by \`mesh up\` (pid ${state.supervisorPid}): ${served}`)
    if (options.open) openInBrowser(served)
    out.result({ url: served, servedBy: state.supervisorPid })
    return 0
  }
  const port = options.port ?? state.explorer?.port ?? 0
  const server = await startExplorerServer({
    port,
    endpoints: () => currentExplorerEndpoints(dataDir, state),
  })
  out.line(`Explorer: ${server.url}   (${state.networks.length} networks of ${dataDir}; Ctrl-C stops)`)
  if (
    !nodesAccept(
      state.networks.map((n) => n.configFile),
      server.port,
    )
  )
    out.progress(
      `  ! the nodes do not accept the origin http://127.0.0.1:${server.port} (CORS): the page will show them unreachable.\n      Restart the mesh with \`mesh up --explorer-port ${server.port}\`, or serve on its port with \`mesh explorer\` (no --port).`,
    )
  out.result({ url: server.url, port: server.port })
  if (options.open) openInBrowser(server.url)
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done())
    process.once('SIGTERM', () => done())
  })
  await server.stop()
  return 0
}
