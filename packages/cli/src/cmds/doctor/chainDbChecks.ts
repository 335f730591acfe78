import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { resolveDataDir } from '../../mesh/state.js'
import type { Check } from './handler.js'

/**
 * One check per node `chain.db` under the mesh data dir (`<dataDir>/<network>/chain.db`): SQLite's
 * `quick_check` over every page through spn's `checkChainDb` (what a node runs at start, plus every page);
 * a damaged one says what is wrong and what to do. None when the data dir does not exist.
 *
 * @example
 * ```ts
 * await chainDbChecks('.mesh') // [{ name: 'spn1 chain.db', ok: false, detail: 'truncated: … → restore … or move it away …' }]
 * ```
 */
export async function chainDbChecks(dataDir: string | undefined): Promise<Check[]> {
  const dir = resolveDataDir(dataDir)
  if (!existsSync(dir)) return []
  const { checkChainDb, ChainDbCorruptError } = await import('@rollup-mesh/spn')
  const checks: Check[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name, 'chain.db')
    if (!entry.isDirectory() || !existsSync(path)) continue
    const name = `${entry.name} chain.db`
    try {
      checkChainDb(path, { thorough: true })
      checks.push({ name, ok: true, detail: `intact (${path})` })
    } catch (err) {
      if (!(err instanceof ChainDbCorruptError)) throw err
      checks.push({
        name,
        ok: false,
        detail: `${err.problem}: ${err.shortMessage} → restore it (with its -wal file) from a backup, or move it away and start the node again (a new chain from genesis; \`mesh up --fresh\` for the whole mesh)`,
      })
    }
  }
  return checks
}
