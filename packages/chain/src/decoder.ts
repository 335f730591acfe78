import type { Worker } from 'node:worker_threads'
import type { Hex } from 'viem'
import { type DecodeOutcome, outcomeResult } from './decodeOutcome.js'
import type { DecodeRequest, DecodeResponse } from './decodeWorker.js'
import { startModuleWorker } from './moduleWorker.js'
import type { ParsedBody } from './rpc/ingressParse.js'
import { decodeSignedTx, type SignedTx } from './tx.js'

/** Limits a request body is parsed under (the RPC server's). */
export type BodyLimits = { maxDepth: number; maxBatchSize: number }

/** Decodes signed transactions and recovers senders. */
export interface TxDecoder {
  decode(raw: Hex): Promise<SignedTx>
  /**
   * Parses an RPC request body on a decode thread and decodes its `eth_sendRawTransaction` transactions
   * there; the next `decode` of each such raw transaction answers from that work (`forget` drops what
   * dispatch did not use). Absent on the inline decoder; undefined once closed.
   */
  parseBody?(body: Uint8Array, limits: BodyLimits): Promise<ParsedBody & { primed?: Hex[] }> | undefined
  /** Drops decoded transactions `parseBody` kept that no `decode` took. */
  forget?(raws: readonly Hex[]): void
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
type PendingBody = { resolve: (b: ParsedBody & { primed?: Hex[] }) => void; reject: (err: unknown) => void }

/**
 * Sender recovery off the main thread: requests queued in one event-loop turn
 * (a JSON-RPC batch) go to worker threads as one message each, so block
 * production and RPC keep the main thread while signatures are checked.
 * `parseBody` moves a whole request body there (JSON parse and decoding).
 * From TypeScript sources (tests) the workers load through tsx.
 *
 * @example
 * ```ts
 * const decoder = createTxDecoderPool({ chainId: 901n, workers: 1 })
 * const tx = await decoder.decode('0x02f8…') // { hash, from, nonce, … }
 * await decoder.close()
 * ```
 */
export function createTxDecoderPool(options: TxDecoderPoolOptions): TxDecoder {
  const n = Math.max(1, options.workers ?? 1)
  const maxBatch = options.maxBatch ?? 256
  const workers = Array.from({ length: n }, () => startModuleWorker('decodeWorker', import.meta.url))
  const inflight = new Map<number, Pending[]>()
  const bodies = new Map<number, PendingBody>()
  /** Transactions decoded by `parseBody`, by raw encoding, with how many requests carry them. */
  const primed = new Map<Hex, { outcome: DecodeOutcome; uses: number }>()
  let nextId = 1
  let rr = 0
  let queue: Pending[] = []
  let scheduled = false
  let closed = false

  const prime = (raws: Hex[], outcomes: DecodeOutcome[]): void => {
    raws.forEach((raw, i) => {
      const known = primed.get(raw)
      if (known) known.uses++
      else primed.set(raw, { outcome: outcomes[i] as DecodeOutcome, uses: 1 })
    })
  }
  const release = (raw: Hex): void => {
    const known = primed.get(raw)
    if (known && --known.uses <= 0) primed.delete(raw)
  }

  for (const w of workers) {
    w.unref()
    w.on('message', (res: DecodeResponse) => {
      if ('body' in res) {
        const p = bodies.get(res.id)
        bodies.delete(res.id)
        if (!p) return
        const b = res.body
        if ('payload' in b) {
          prime(b.raws, b.outcomes)
          p.resolve({ payload: b.payload, primed: b.raws })
        } else p.resolve(b)
        return
      }
      const batch = inflight.get(res.id)
      inflight.delete(res.id)
      if (!batch) return
      res.results.forEach((r, i) => {
        const p = batch[i] as Pending
        outcomeResult(r).then(p.resolve, p.reject)
      })
    })
    w.on('error', (err) => {
      for (const [id, batch] of inflight) {
        inflight.delete(id)
        for (const p of batch) p.reject(err)
      }
      for (const [id, p] of bodies) {
        bodies.delete(id)
        p.reject(err)
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
      w.postMessage({
        kind: 'raws',
        id,
        chainId: options.chainId,
        raws: batch.map((p) => p.raw),
      } satisfies DecodeRequest)
    }
  }

  return {
    decode(raw) {
      const known = primed.get(raw)
      if (known) {
        release(raw)
        return outcomeResult(known.outcome)
      }
      if (closed) return decodeSignedTx(raw, options.chainId)
      return new Promise<SignedTx>((resolve, reject) => {
        queue.push({ raw, resolve, reject })
        if (!scheduled) {
          scheduled = true
          setImmediate(dispatch)
        }
      })
    },
    parseBody(body, limits) {
      if (closed) return undefined
      const id = nextId++
      const w = workers[rr++ % workers.length] as Worker
      return new Promise((resolve, reject) => {
        bodies.set(id, { resolve, reject })
        w.postMessage({
          kind: 'body',
          id,
          chainId: options.chainId,
          // copied (a memcpy): the caller keeps its body, to parse it itself if this thread fails
          body,
          maxDepth: limits.maxDepth,
          maxBatchSize: limits.maxBatchSize,
        } satisfies DecodeRequest)
      })
    },
    forget(raws) {
      for (const raw of raws) release(raw)
    },
    async close() {
      closed = true
      await Promise.all(workers.map((w) => w.terminate()))
    },
  }
}
