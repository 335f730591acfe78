import '@rollup-mesh/core/polyfill'
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import type { CustomPrecompiles } from '../evm/dualEvm.js'
import { ltHashOfChanges } from '../state/commitment.js'
import type { WasmEngine } from '../wasm/types.js'
import type {
  MainToWorker,
  PrecompilesSource,
  ReadRequest,
  ReadResponse,
  TxResult,
  WasmEngineSource,
  WorkerToMain,
} from './protocol.js'
import { StateReplica } from './replica.js'
import { SpeculativeRunner } from './speculative.js'

/**
 * A parallel-executor worker: one warm EVM (and WASM engine) over a replica of
 * the committed state. Replica misses are served synchronously by the main
 * thread (post on the read port, sleep on a shared flag); hits never leave the thread.
 * After a block it also hashes its share of the block's state-commitment changes.
 */

export type WorkerInit = {
  readPort: MessagePort
  /** Where results go: a port of its own, so the main thread can poll it while it executes its own share. */
  resultPort: MessagePort
  flag: SharedArrayBuffer
  wasm?: WasmEngineSource
  /** The chain's custom precompiles (the SPN's exit-proof verifier). */
  precompiles?: PrecompilesSource
  /** Results are posted in batches of this many transactions. */
  batch: number
  /** The replica starts over beyond this many accounts and slots. */
  maxReplicaEntries: number
}

const init = workerData as WorkerInit
const port = parentPort
if (!port) throw new TypeError('worker.ts must run in a worker thread')
const flag = new Int32Array(init.flag)

function fetchSync(request: ReadRequest): ReadResponse {
  Atomics.store(flag, 0, 0)
  init.readPort.postMessage(request)
  for (;;) {
    Atomics.wait(flag, 0, 0, 100)
    const message = receiveMessageOnPort(init.readPort)
    if (message) return message.message as ReadResponse
  }
}

async function load<T>(source: WasmEngineSource | undefined): Promise<T | undefined> {
  if (!source) return undefined
  const mod = (await import(source.module)) as Record<string, unknown>
  const factory = mod[source.exportName]
  if (typeof factory !== 'function')
    throw new TypeError(`${source.module} has no export ${source.exportName}`)
  return (await factory(source.options)) as T
}

const replica = new StateReplica(fetchSync)
const runner = new SpeculativeRunner(
  replica,
  await load<WasmEngine>(init.wasm),
  await load<CustomPrecompiles>(init.precompiles),
)
const post = (message: WorkerToMain, transfer?: ArrayBuffer[]) =>
  init.resultPort.postMessage(message, transfer)

port.on('message', async (message: MainToWorker) => {
  if (message.type === 'close') {
    port.close()
    init.readPort.close()
    init.resultPort.close()
    return
  }
  const { id } = message
  if (message.type === 'lthash') {
    try {
      const sum = ltHashOfChanges(message)
      post({ type: 'lthash', id, sum }, [sum.buffer as ArrayBuffer])
    } catch (error) {
      post({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) })
    }
    return
  }
  try {
    // A replica that just started over knows nothing: fetch on a miss. A warm one guesses
    // unknown slots (zero) and lets the main thread validate, so no miss waits on it.
    if (replica.size > init.maxReplicaEntries) replica.root = undefined
    replica.guessStorage = replica.sync(message.sync) !== 'reset'
    runner.beginBlock(message.header)
    let results: TxResult[] = []
    for (const { index, chain, tx } of message.txs) {
      results.push(await runner.run(index, chain, tx))
      if (results.length >= init.batch) {
        post({ type: 'results', id, results })
        results = []
      }
    }
    if (results.length > 0) post({ type: 'results', id, results })
  } catch (error) {
    post({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) })
  }
})

port.postMessage({ type: 'ready' } satisfies WorkerToMain)
