import { Worker } from 'node:worker_threads'
import type { Hex } from 'viem'
import type { DecodeRequest, DecodeResponse } from './decodeWorker.js'
import { TxRejectedError } from './errors.js'
import { decodeSignedTx, type SignedTx } from './tx.js'

/** Decodes signed transactions and recovers senders. */
export interface TxDecoder {
  decode(raw: Hex): Promise<SignedTx>
  close(): Promise<void>
}

/** Decodes on the calling thread. */
export function createInlineDecoder(chainId: bigint): TxDecoder {
  return { decode: (raw) => decodeSignedTx(raw, chainId), close: async () => undefined }
}

export type TxDecoderPoolOptions = {
  chainId: bigint
  /** Worker threads. Default 1. */
  workers?: number
  /** Most transactions per message to a worker. Default 256. */
  maxBatch?: number
}

type Pending = { raw: Hex; resolve: (tx: SignedTx) => void; reject: (err: unknown) => void }

/**
 * Sender recovery off the main thread: requests queued in one event-loop turn
 * (a JSON-RPC batch) go to worker threads as one message each, so block
 * production and RPC keep the main thread while signatures are checked.
 * From TypeScript sources (tests) the workers load through tsx.
 */
export function createTxDecoderPool(options: TxDecoderPoolOptions): TxDecoder {
  const n = Math.max(1, options.workers ?? 1)
  const maxBatch = options.maxBatch ?? 256
  const fromSource = import.meta.url.endsWith('.ts')
  const url = new URL(fromSource ? './decodeWorker.ts' : './decodeWorker.js', import.meta.url)
  // Node 20 workers ignore `--import tsx` for their entry module: register tsx from a JS bootstrap instead.
  const bootstrap = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}) })`
  const workers = Array.from({ length: n }, () =>
    fromSource
      ? new Worker(bootstrap, { eval: true, execArgv: ['--conditions', 'source'] })
      : new Worker(url),
  )
  const inflight = new Map<number, Pending[]>()
  let nextId = 1
  let rr = 0
  let queue: Pending[] = []
  let scheduled = false
  let closed = false

  for (const w of workers) {
    w.unref()
    w.on('message', (res: DecodeResponse) => {
      const batch = inflight.get(res.id)
      inflight.delete(res.id)
      if (!batch) return
      res.results.forEach((r, i) => {
        const p = batch[i] as Pending
        if ('ok' in r) p.resolve(r.ok)
        else p.reject(new TxRejectedError(r.reason, r.message))
      })
    })
    w.on('error', (err) => {
      for (const [id, batch] of inflight) {
        inflight.delete(id)
        for (const p of batch) p.reject(err)
      }
    })
  }

  const dispatch = (): void => {
    scheduled = false
    while (queue.length) {
      const batch = queue.slice(0, maxBatch)
      queue = queue.slice(maxBatch)
      const id = nextId++
      inflight.set(id, batch)
      const w = workers[rr++ % workers.length] as Worker
      w.postMessage({ id, chainId: options.chainId, raws: batch.map((p) => p.raw) } satisfies DecodeRequest)
    }
  }

  return {
    decode(raw) {
      if (closed) return decodeSignedTx(raw, options.chainId)
      return new Promise<SignedTx>((resolve, reject) => {
        queue.push({ raw, resolve, reject })
        if (!scheduled) {
          scheduled = true
          setImmediate(dispatch)
        }
      })
    },
    async close() {
      closed = true
      await Promise.all(workers.map((w) => w.terminate()))
    },
  }
}
