import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * The thread's code: its own connection to the store, a PASSIVE checkpoint every `intervalMs` (it copies
 * committed WAL frames into the database file without waiting on the writer or readers). A checkpoint that
 * fails (the store busy) is simply tried again next time; should the thread stop altogether, the store's
 * own auto-checkpoint is the backstop. Plain CommonJS, so it runs from TypeScript sources and `dist` alike.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const closed = new Int32Array(workerData.closed)
const Database = require(workerData.sqlite)
const db = new Database(workerData.path, { fileMustExist: true })
db.pragma('busy_timeout = 1000')
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch {}
}
const timer = setInterval(checkpoint, workerData.intervalMs)
parentPort.on('message', () => {
  clearInterval(timer)
  checkpoint()
  db.close()
  Atomics.store(closed, 0, 1)
  Atomics.notify(closed, 0)
  parentPort.close()
})
`

/** Checkpoints a WAL-mode store on a thread of its own; see `ChainStoreOptions.checkpointIntervalMs`. */
export class Checkpointer {
  private readonly worker: Worker
  /** Set to 1 by the thread once its connection is closed. */
  private readonly closed = new Int32Array(new SharedArrayBuffer(4))
  private running = true

  constructor(path: string, intervalMs: number) {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3')
    this.worker = new Worker(SOURCE, {
      eval: true,
      workerData: { path, intervalMs, sqlite, closed: this.closed.buffer },
    })
    // A thread that dies (say, the file went away) takes nothing down with it: the backstop takes over.
    const stopped = () => {
      this.running = false
    }
    this.worker.on('error', stopped)
    this.worker.on('exit', stopped)
    this.worker.unref()
  }

  /**
   * One last checkpoint, then the thread closes its connection; returns once it has (at most `waitMs`),
   * so the store's own close, and whatever removes its files next, never race with it.
   */
  stop(waitMs = 2_000): void {
    if (!this.running) return
    this.running = false
    this.worker.postMessage('stop')
    Atomics.wait(this.closed, 0, 0, waitMs)
  }
}
