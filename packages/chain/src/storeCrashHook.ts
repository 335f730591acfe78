import { writeSync } from 'node:fs'
import { ChainStoreError } from './errors.js'
import type { BlockCommit } from './storeTypes.js'

/** How long the writer's hook waits for the next block's execution before it kills anyway. */
const NEXT_BLOCK_WAIT_MS = 30_000

/** The environment variable that arms the hook (tests only). */
export const CRASH_IN_COMMIT_ENV = 'MESH_TEST_CRASH_IN_COMMIT'

/**
 * Tests only: `MESH_TEST_CRASH_IN_COMMIT=<n>` makes the process kill itself with SIGKILL inside the SQLite
 * transaction of the first block commit carrying at least `n` transactions (its rows written, COMMIT not
 * reached), after one line on stderr naming the block. Kill -9 from outside rarely lands there; a crash test
 * needs it to. Unset: no hook. The store runs it as `ChainStoreOptions.inCommit`. On the commit writer
 * (`nextBlock`: the block the block thread executes, `CommitWriter.executing`) the hook first waits, inside
 * the open transaction, until the next block is executing, and its line says which (`executing`): the kill
 * lands in an overlapped commit.
 *
 * @example
 * ```ts
 * // MESH_TEST_CRASH_IN_COMMIT=1 node dist/bin.js --config spn.json
 * const store = new ChainStore({ path, inCommit: commitCrashHookFromEnv() })
 * ```
 */
export function commitCrashHookFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: { nextBlock?: Int32Array } = {},
): ((c: BlockCommit) => void) | undefined {
  const value = env[CRASH_IN_COMMIT_ENV]
  if (value === undefined || value === '') return undefined
  const minTxs = Number(value)
  if (!Number.isSafeInteger(minTxs) || minTxs < 1)
    throw new ChainStoreError(
      `${CRASH_IN_COMMIT_ENV} must be a whole number of transactions, at least 1; got "${value}".`,
      [`- Unset ${CRASH_IN_COMMIT_ENV}: it is for crash tests only.`],
    )
  const next = options.nextBlock
  return (c) => {
    if (c.txs.length < minTxs) return
    const block = Number(c.header.number)
    // on the commit writer: hold the transaction open until the block thread executes the next block
    let executing: number | undefined
    if (next) {
      const deadline = Date.now() + NEXT_BLOCK_WAIT_MS
      executing = Atomics.load(next, 0)
      while (executing <= block && Date.now() < deadline) {
        Atomics.wait(next, 0, executing, 50)
        executing = Atomics.load(next, 0)
      }
    }
    const line = {
      msg: 'test crash inside a block commit',
      block,
      txs: c.txs.length,
      ...(executing !== undefined ? { executing } : {}),
    }
    writeSync(2, `${JSON.stringify(line)}\n`)
    process.kill(process.pid, 'SIGKILL')
  }
}
