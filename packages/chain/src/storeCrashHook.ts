import { writeSync } from 'node:fs'
import { ChainStoreError } from './errors.js'
import type { BlockCommit } from './storeTypes.js'

/** The environment variable that arms the hook (tests only). */
export const CRASH_IN_COMMIT_ENV = 'MESH_TEST_CRASH_IN_COMMIT'

/**
 * Tests only: `MESH_TEST_CRASH_IN_COMMIT=<n>` makes the process kill itself with SIGKILL inside the SQLite
 * transaction of the first block commit carrying at least `n` transactions (its rows written, COMMIT not
 * reached), after one line on stderr naming the block. Kill -9 from outside rarely lands there; a crash test
 * needs it to. Unset: no hook. The store runs it as `ChainStoreOptions.inCommit`.
 *
 * @example
 * ```ts
 * // MESH_TEST_CRASH_IN_COMMIT=1 node dist/bin.js --config spn.json
 * const store = new ChainStore({ path, inCommit: commitCrashHookFromEnv() })
 * ```
 */
export function commitCrashHookFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): ((c: BlockCommit) => void) | undefined {
  const value = env[CRASH_IN_COMMIT_ENV]
  if (value === undefined || value === '') return undefined
  const minTxs = Number(value)
  if (!Number.isSafeInteger(minTxs) || minTxs < 1)
    throw new ChainStoreError(
      `${CRASH_IN_COMMIT_ENV} must be a whole number of transactions, at least 1; got "${value}".`,
      [`- Unset ${CRASH_IN_COMMIT_ENV}: it is for crash tests only.`],
    )
  return (c) => {
    if (c.txs.length < minTxs) return
    const line = {
      msg: 'test crash inside a block commit',
      block: Number(c.header.number),
      txs: c.txs.length,
    }
    writeSync(2, `${JSON.stringify(line)}\n`)
    process.kill(process.pid, 'SIGKILL')
  }
}
