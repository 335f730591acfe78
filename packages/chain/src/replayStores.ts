import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BaseError } from '@rollup-mesh/core'
import type { ReplayedBlock } from './replay.js'
import { ChainStore } from './store.js'

/** The data dir named by a node config holds no `chain.db`. */
export class ReplayDataDirError extends BaseError {
  constructor(path: string) {
    super(`No chain store at ${path}.`, {
      code: 'REPLAY_NO_CHAIN_DB',
      name: 'ReplayDataDirError',
      metaMessages: ["- Check the config's `dataDir`, or start the node once so it writes its chain."],
    })
  }
}

/** What `mesh node replay` takes for a node of config type `C` (SPN or main net). */
export type NodeReplayOptions<C> = {
  /** The node's config (what `mesh node start --config` reads). */
  config: C
  /** Where the scratch chain is written (default a new temporary directory, removed afterwards). */
  scratchDir?: string
  /** Called after each replayed block. */
  onBlock?: (block: ReplayedBlock) => void
  /** Replay at most up to this block. */
  toBlock?: bigint
}

/**
 * Opens a node's stored chain (`<dataDir>/chain.db`, only read) and an empty scratch store (no history) for
 * `replayChain`, runs `fn` with both, and closes them; a scratch dir it created is removed afterwards.
 * Throws `ReplayDataDirError` when the data dir holds no chain.
 *
 * @example
 * ```ts
 * const report = await withReplayStores(config.dataDir, undefined, ({ source, scratch }) =>
 *   replayChain({ source, scratch, executor, chainId, genesis }),
 * )
 * ```
 */
export async function withReplayStores<T>(
  dataDir: string,
  scratchDir: string | undefined,
  fn: (stores: { source: ChainStore; scratch: ChainStore }) => Promise<T>,
): Promise<T> {
  const path = join(dataDir, 'chain.db')
  if (!existsSync(path)) throw new ReplayDataDirError(path)
  const dir = scratchDir ?? mkdtempSync(join(tmpdir(), 'mesh-replay-'))
  const source = new ChainStore({ path })
  const scratch = new ChainStore({ path: join(dir, 'chain.db'), history: { blocks: 0 } })
  try {
    return await fn({ source, scratch })
  } finally {
    scratch.close()
    source.close()
    if (scratchDir === undefined) rmSync(dir, { recursive: true, force: true })
  }
}
