import { parentPort, workerData } from 'node:worker_threads'
import type { Hex } from 'viem'
import { ChainStoreError } from './errors.js'
import { ChainStore } from './store.js'
import { commitCrashHookFromEnv } from './storeCrashHook.js'
import type { BlockCommit, HistoryRetention, StoredPoolTx } from './storeTypes.js'

/** What `CommitWriter` starts its thread with. */
export type CommitWriterInit = {
  path: string
  history?: HistoryRetention
  /** The block the block thread is executing (`CommitWriter.executing`), for the crash hook. */
  executing: Int32Array
}

/** A request to the writer thread. */
export type CommitWriterRequest =
  | { id: number; type: 'commit'; commit: BlockCommit }
  | { id: number; type: 'pool'; deletes: readonly Hex[]; writes: readonly StoredPoolTx[] }
  | { id: number; type: 'close' }

/** The writer thread's answer: the commit's milliseconds inside the thread, or the error it hit. */
export type CommitWriterResponse =
  | { id: number; ok: true; ms: number }
  | { id: number; ok: false; message: string; code?: string }
  | { id: 0; ready: true }

/**
 * Worker side of `CommitWriter`: a `ChainStore` over its own better-sqlite3 connection to the node's
 * `chain.db` that applies block commits (data: `BlockCommit`, extension rows included) in the order they
 * arrive, each in one SQLite transaction, and answers once COMMIT returned (durable against kill -9:
 * WAL, synchronous NORMAL). The history index stays the block thread's store's job (`historyIndexing:
 * 'manual'` here). `MESH_TEST_CRASH_IN_COMMIT` arms the crash hook inside this thread's transactions.
 */
const port = parentPort
if (!port)
  throw new ChainStoreError('commitWriterWorker runs as a worker thread.', [
    '- Start it through `CommitWriter.open`.',
  ])
const init = workerData as CommitWriterInit
const store = new ChainStore({
  path: init.path,
  ...(init.history ? { history: init.history } : {}),
  historyIndexing: 'manual',
  inCommit: commitCrashHookFromEnv(process.env, { nextBlock: init.executing }),
})
port.on('message', (m: CommitWriterRequest) => {
  if (m.type === 'close') {
    store.close()
    port.postMessage({ id: m.id, ok: true, ms: 0 } satisfies CommitWriterResponse)
    port.close()
    return
  }
  const started = performance.now()
  try {
    if (m.type === 'pool')
      store.transaction(() => {
        if (m.deletes.length) store.poolDelete(m.deletes)
        if (m.writes.length) store.poolPut(m.writes)
      })
    else store.commitBlock(m.commit)
    port.postMessage({ id: m.id, ok: true, ms: performance.now() - started } satisfies CommitWriterResponse)
  } catch (err) {
    const e = err as { shortMessage?: string; message?: string; code?: unknown }
    port.postMessage({
      id: m.id,
      ok: false,
      message: e.shortMessage ?? e.message ?? String(err),
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
    } satisfies CommitWriterResponse)
  }
})
port.postMessage({ id: 0, ready: true } satisfies CommitWriterResponse)
