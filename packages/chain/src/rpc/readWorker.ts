import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { BlockReads } from '../blockReads.js'
import { ChainStoreError, RPCError } from '../errors.js'
import { createWorkerReadMethods, READ_MISS } from './readMethods.js'
import type { ChainReadSource } from './readSource.js'
import { SerializedResult } from './responseText.js'

/** Blocks whose answers a worker keeps (by hash and `full`): the newest few, which polling clients ask for. */
const BLOCK_MEMO_ENTRIES = 8

/** `text` as UTF-8 bytes in a `SharedArrayBuffer` (posted to another thread without a copy; never written again). */
function sharedUtf8(text: string): Uint8Array {
  const bytes = new Uint8Array(new SharedArrayBuffer(Buffer.byteLength(text)))
  Buffer.from(bytes.buffer, 0, bytes.byteLength).write(text)
  return bytes
}

/** What a read worker starts with (`workerData`). */
export type ReadWorkerInit = { path: string; chainId: string; maxLogRange: string; maxLogResults: number }
/** One read request: a method of `READ_METHOD_NAMES` and its positional params. */
export type ReadRequest = { id: number; method: string; params: unknown[] }
/**
 * One answer: the result's JSON text (or its UTF-8 bytes in shared memory: a memoized block, handed to the
 * main thread without a copy), an RPC error (code, message, data), or `miss`: the main thread must answer
 * it (a transaction the store lacks, an unexpected failure).
 */
export type ReadAnswer =
  | { json: string }
  | { bytes: Uint8Array }
  | { error: { code: number; message: string; data?: unknown } }
  | { miss: true; reason?: string }
export type ReadReply = { id: number } & ReadAnswer

/**
 * A read worker (`createReadPool`): its own read-only connection to the node's chain.db (WAL: it sees
 * committed blocks only); each request runs in one read transaction, so `latest` and the block it names
 * come from the same committed head.
 */
function startReadWorker(init: ReadWorkerInit): void {
  const db = new Database(init.path, { readonly: true, fileMustExist: true })
  const reads = new BlockReads(db)
  const src: ChainReadSource = {
    chainId: BigInt(init.chainId),
    head: () => {
      const h = reads.head()
      if (!h) throw new ChainStoreError('The chain store has no block yet.', ['- Open the chain first.'])
      return h
    },
    store: reads,
  }
  const memoized = new Map<string, SerializedResult>()
  const methods = createWorkerReadMethods(src, {
    maxLogRange: BigInt(init.maxLogRange),
    maxLogResults: init.maxLogResults,
    memo: (key, build) => {
      let text = memoized.get(key)
      if (!text) {
        // 200 waiting clients fetch each new block: its bytes go to the main thread shared, not copied
        text = new SerializedResult(sharedUtf8(JSON.stringify(build())))
        memoized.set(key, text)
        if (memoized.size > BLOCK_MEMO_ENTRIES) memoized.delete(memoized.keys().next().value as string)
      }
      return text
    },
  })
  const answer = db.transaction((req: ReadRequest): ReadAnswer => {
    const method = Object.hasOwn(methods, req.method) ? methods[req.method] : undefined
    if (!method) return { miss: true, reason: `${req.method} is not a read method` }
    const result = method(req.params, {})
    if (result === READ_MISS) return { miss: true }
    if (result instanceof SerializedResult)
      return typeof result.json === 'string' ? { json: result.json } : { bytes: result.json }
    return { json: JSON.stringify(result === undefined ? null : result) }
  })
  parentPort?.on('message', (batch: ReadRequest[]) => {
    const replies: ReadReply[] = batch.map((req) => {
      try {
        return { id: req.id, ...answer(req) }
      } catch (err) {
        if (err instanceof RPCError)
          return {
            id: req.id,
            error: {
              code: err.rpcCode,
              message: err.shortMessage,
              ...(err.data !== undefined ? { data: err.data } : {}),
            },
          }
        return { id: req.id, miss: true, reason: (err as Error)?.message ?? String(err) }
      }
    })
    parentPort?.postMessage(replies)
  })
}

if (parentPort) startReadWorker(workerData as ReadWorkerInit)
