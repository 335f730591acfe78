import type { Worker } from 'node:worker_threads'
import type { Hex } from 'viem'
import type { CommitWriterInit, CommitWriterRequest, CommitWriterResponse } from './commitWriterWorker.js'
import { startModuleWorker } from './moduleWorker.js'
import { DiskFullError } from './storeDiskFull.js'
import { CommitWriterError } from './storeErrors.js'
import { storedReceiptFields } from './storeRows.js'
import type { BlockCommit, HistoryRetention, StoredPoolTx } from './storeTypes.js'

export type CommitWriterOptions = {
  /** The chain store's SQLite file (the node's `chain.db`; not `:memory:`: the thread opens its own connection). */
  path: string
  /** The block thread's store's history retention (the writer records change sets the same way). */
  history?: HistoryRetention
}

/** A commit the writer made durable: the block and the thread's milliseconds for its transaction. */
export type CommitDone = { block: bigint; ms: number }

/** A request waiting for the thread: a block commit (`block`), or a pool flush (`block` undefined). */
type Pending = { block: bigint | undefined; resolve: (d: CommitDone) => void; reject: (e: Error) => void }

/**
 * A writer thread with its own better-sqlite3 connection that applies block commits given as data
 * (`BlockCommit`, extension rows in `rows`, no closures), in order, each in one SQLite transaction, so the
 * block thread can execute block N+1 while block N commits ([throughput] item 1). `commit` resolves once
 * the block is durable (COMMIT returned: it survives kill -9) and rejects with `CommitWriterError` when its
 * transaction failed (rolled back whole; the blocks before it stay). `depth` is how many commits are
 * queued or in flight.
 *
 * @example
 * ```ts
 * const writer = await CommitWriter.open({ path: join(dataDir, 'chain.db') })
 * const durable = writer.commit(candidateCommit(candidate)) // the block thread goes on executing
 * writer.depth // 1
 * await durable // { block: 12n, ms: 31.5 }
 * await writer.close()
 * ```
 */
export class CommitWriter {
  readonly #worker: Worker
  readonly #pending = new Map<number, Pending>()
  #nextId = 1
  #failed: CommitWriterError | undefined
  #closing: Promise<void> | undefined
  readonly #executing: Int32Array
  readonly #ready: Promise<void>

  private constructor(
    worker: Worker,
    executing: Int32Array,
    readonly path: string,
  ) {
    this.#worker = worker
    this.#executing = executing
    let ready: () => void = () => undefined
    let notReady: (e: Error) => void = () => undefined
    this.#ready = new Promise<void>((resolve, reject) => {
      ready = resolve
      notReady = reject
    })
    this.#ready.catch(() => undefined)
    worker.on('message', (m: CommitWriterResponse) => {
      if ('ready' in m) {
        ready()
        return
      }
      const p = this.#pending.get(m.id)
      if (!p) return
      this.#pending.delete(m.id)
      if (m.ok) p.resolve({ block: p.block ?? -1n, ms: m.ms })
      // a full disk is refused as the inline store refuses it ("disk full", -32000 over JSON-RPC)
      else if (m.code === 'CHAIN_DISK_FULL' || m.code === 'SQLITE_FULL') p.reject(new DiskFullError(path))
      else p.reject(new CommitWriterError(p.block, m.message, m.code))
    })
    worker.on('error', (err) => {
      notReady(new CommitWriterError(undefined, `its thread did not start: ${err.message}`))
      this.#fail(`its thread threw: ${err.message}`)
    })
    worker.on('exit', (code) => {
      notReady(new CommitWriterError(undefined, `its thread exited while starting (code ${code})`))
      this.#fail(`its thread exited (code ${code})`)
    })
  }

  /**
   * Starts the writer thread on `options.path` without waiting for it (commits sent meanwhile queue in its
   * port); a thread that cannot open the database fails every commit with `CommitWriterError`.
   */
  static start(options: CommitWriterOptions): CommitWriter {
    if (options.path === ':memory:' || options.path === '')
      throw new CommitWriterError(undefined, `path must be a database file, got "${options.path}"`)
    const executing = new Int32Array(new SharedArrayBuffer(4))
    const init: CommitWriterInit = {
      path: options.path,
      executing,
      ...(options.history ? { history: options.history } : {}),
    }
    const worker = startModuleWorker('commitWriterWorker', import.meta.url, { workerData: init })
    return new CommitWriter(worker, executing, options.path)
  }

  /** `start`, resolving once the thread's connection is open (rejects with `CommitWriterError` otherwise). */
  static async open(options: CommitWriterOptions): Promise<CommitWriter> {
    const writer = CommitWriter.start(options)
    await writer.ready()
    return writer
  }

  /** Resolves once the thread's connection is open; rejects with `CommitWriterError` when it could not start. */
  ready(): Promise<void> {
    return this.#ready
  }

  /**
   * The block thread began executing block `block` (the crash hook of `MESH_TEST_CRASH_IN_COMMIT` waits
   * for the block after the one it kills in, so the kill lands while that block executes).
   */
  executing(block: bigint): void {
    Atomics.store(this.#executing, 0, Number(block))
    Atomics.notify(this.#executing, 0)
  }

  /** Block commits queued or in flight. */
  get depth(): number {
    let n = 0
    for (const p of this.#pending.values()) if (p.block !== undefined) n++
    return n
  }

  /**
   * Persists pool changes (a `Mempool` flush) on the writer's connection, after the commits queued before
   * it, in one transaction: the block thread does not wait on SQLite's write lock while a block commits.
   * Resolves once durable.
   */
  pool(deletes: readonly Hex[], writes: readonly StoredPoolTx[]): Promise<void> {
    if (this.#failed) return Promise.reject(new CommitWriterError(undefined, this.#failed.shortMessage))
    if (this.#closing) return Promise.reject(new CommitWriterError(undefined, 'the writer is closed'))
    const id = this.#nextId++
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { block: undefined, resolve: () => resolve(), reject })
      this.#worker.postMessage({ id, type: 'pool', deletes, writes } satisfies CommitWriterRequest)
    })
  }

  /**
   * Queues `c` after the commits already queued; resolves when it is durable. Only the data crosses the
   * thread: `prior` (a cache on this thread) is left behind, and transactions travel as their stored
   * fields. Give `changeSet` (`ChainStore.changeSetOf` on the block thread, from its cache) and the writer
   * reads no before-values; without it the writer reads them from its own connection, which holds every
   * earlier block.
   */
  commit(c: BlockCommit): Promise<CommitDone> {
    const block = c.header.number
    if (this.#failed) return Promise.reject(new CommitWriterError(block, this.#failed.shortMessage))
    if (this.#closing) return Promise.reject(new CommitWriterError(block, 'the writer is closed'))
    const data: BlockCommit = {
      header: c.header,
      hash: c.hash,
      txs: c.txs.map((t) => ({ hash: t.hash, raw: t.raw, from: t.from, to: t.to })),
      receipts: c.receipts.map(storedReceiptFields),
      writeSet: c.writeSet,
      mempoolRemovals: c.mempoolRemovals,
      ...(c.rows?.length ? { rows: c.rows } : {}),
      ...(c.changeSet !== undefined ? { changeSet: c.changeSet } : {}),
    }
    const id = this.#nextId++
    return new Promise<CommitDone>((resolve, reject) => {
      this.#pending.set(id, { block, resolve, reject })
      this.#worker.postMessage({ id, type: 'commit', commit: data } satisfies CommitWriterRequest)
    })
  }

  /** Lets queued commits finish, closes the thread's connection and ends the thread. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#failed) return
      const id = this.#nextId++
      const closed = new Promise<void>((resolve) => {
        this.#pending.set(id, { block: undefined, resolve: () => resolve(), reject: () => resolve() })
      })
      this.#worker.postMessage({ id, type: 'close' } satisfies CommitWriterRequest)
      await closed
      await this.#worker.terminate()
    })()
    return this.#closing
  }

  #fail(reason: string): void {
    if (this.#closing && this.#pending.size === 0) return
    this.#failed ??= new CommitWriterError(undefined, reason)
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id)
      p.reject(new CommitWriterError(p.block, reason))
    }
  }
}
