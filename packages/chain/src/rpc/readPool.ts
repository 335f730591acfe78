import type { Worker } from 'node:worker_threads'
import type { Logger } from '@rollup-mesh/core'
import { createSilentLogger } from '@rollup-mesh/core'
import { startModuleWorker } from '../moduleWorker.js'
import { defaultReadLimits } from './readMethods.js'
import type { ReadAnswer, ReadReply, ReadRequest, ReadWorkerInit } from './readWorker.js'

export type ReadPoolOptions = {
  /** The node's chain.db (a file: an in-memory store has no readers). */
  path: string
  chainId: bigint
  /** Worker threads, each with its own read-only connection. At least 1. */
  workers: number
  /** eth_getLogs limits, the same as the main thread's (`defaultReadLimits`). */
  maxLogRange?: bigint
  maxLogResults?: number
  logger?: Logger
}

export type ReadPool = {
  readonly size: number
  /** Answers one read on the least busy live worker; `miss` when none is alive. */
  call(method: string, params: readonly unknown[]): Promise<ReadAnswer>
  /** Requests sent to the workers and not answered yet. */
  inFlight(): number
  /** Messages posted to the workers so far (each carries every request queued since the last). */
  messages(): number
  close(): Promise<void>
}

type Slot = {
  worker: Worker
  alive: boolean
  pending: Map<number, (a: ReadAnswer) => void>
  queue: ReadRequest[]
}

/**
 * Read-only JSON-RPC off the block thread: `workers` threads, each with its own read-only better-sqlite3
 * connection to the node's chain.db, answer the methods of `READ_METHOD_NAMES` with their JSON text. The
 * requests queued in one event-loop phase (a batch, or many clients' polls) go to a worker as one message; a worker that dies answers its
 * requests `miss` (the main thread serves them) and takes no more. From TypeScript sources (tests) the
 * workers load through tsx, as the decoder's do.
 *
 * @example
 * ```ts
 * const pool = createReadPool({ path: join(dataDir, 'chain.db'), chainId: 901n, workers: 1 })
 * await pool.call('eth_getBlockByNumber', ['latest', false]) // { json: '{"number":"0x2a",…}' }
 * await pool.close()
 * ```
 */
export function createReadPool(options: ReadPoolOptions): ReadPool {
  const log = (options.logger ?? createSilentLogger()).child({ module: 'rpc-read' })
  const n = Math.max(1, options.workers)
  const workerData: ReadWorkerInit = {
    path: options.path,
    chainId: options.chainId.toString(),
    maxLogRange: (options.maxLogRange ?? defaultReadLimits.maxLogRange).toString(),
    maxLogResults: options.maxLogResults ?? defaultReadLimits.maxLogResults,
  }
  const slots: Slot[] = Array.from({ length: n }, () => {
    const worker = startModuleWorker('readWorker', import.meta.url, { workerData })
    const slot: Slot = { worker, alive: true, pending: new Map(), queue: [] }
    worker.unref()
    worker.on('message', (replies: ReadReply[]) => {
      for (const { id, ...answer } of replies) {
        const resolve = slot.pending.get(id)
        slot.pending.delete(id)
        resolve?.(answer)
      }
    })
    const fail = (err: unknown) => {
      if (!slot.alive) return
      slot.alive = false
      if (!closed) log.warn({ err }, 'RPC read worker stopped: its reads run on the main thread')
      for (const resolve of slot.pending.values()) resolve({ miss: true, reason: 'read worker stopped' })
      slot.pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (exitCode) => fail({ exitCode }))
    return slot
  })
  let nextId = 1
  let closed = false
  let flushing = false
  let inFlight = 0
  let messages = 0

  const flush = (): void => {
    flushing = false
    for (const slot of slots) {
      if (!slot.queue.length) continue
      messages++
      slot.worker.postMessage(slot.queue)
      slot.queue = []
    }
  }

  return {
    size: n,
    call(method, params) {
      let best: Slot | undefined
      for (const s of slots) if (s.alive && (!best || s.pending.size < best.pending.size)) best = s
      if (closed || !best) return Promise.resolve({ miss: true, reason: 'no read worker' })
      const slot = best
      const id = nextId++
      inFlight++
      const answered = new Promise<ReadAnswer>((resolve) => slot.pending.set(id, resolve))
      slot.queue.push({ id, method, params: params as unknown[] })
      // Sent after this event-loop phase, not this microtask: the requests of every HTTP request parsed
      // in one poll phase (200 polling clients) go as one message (a postMessage was the block thread's
      // largest RPC cost under polling load).
      if (!flushing) {
        flushing = true
        setImmediate(flush)
      }
      return answered.finally(() => {
        inFlight--
      })
    },
    inFlight: () => inFlight,
    messages: () => messages,
    async close() {
      closed = true
      await Promise.all(slots.map((s) => s.worker.terminate()))
    },
  }
}
