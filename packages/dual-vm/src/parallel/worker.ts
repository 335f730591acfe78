import '@rollup-mesh/core/polyfill'
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import type { CustomPrecompiles } from '../evm/precompiles.js'
import type { EvmEngine } from '../executor/fastPath.js'
import { ltHashOfChanges } from '../state/commitment.js'
import type { WasmEngine } from '../wasm/types.js'
import { WorkerStartError } from './errors.js'
import { loadFactory } from './loadFactory.js'
import {
  type CommittedStateReader,
  type CommittedStateSource,
  type MainToWorker,
  type PrecompilesSource,
  type ReadRequest,
  type ReadResponse,
  readFrom,
  type TxResult,
  type WasmEngineSource,
  type WorkerToMain,
} from './protocol.js'
import { StateReplica } from './replica.js'
import { SpeculativeRunner } from './speculative.js'
import { warmUp } from './warmup.js'

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
  /** Where to read committed state directly (the node's store), instead of asking the main thread. */
  committedState?: CommittedStateSource
  /** Results are posted in batches of this many transactions. */
  batch: number
  /** The replica starts over beyond this many accounts and slots. */
  maxReplicaEntries: number
  /** Token transfers to run on a scratch state after start, to warm the JIT (stops when work arrives). */
  warmupTxs: number
  /** The executor's EVM engine. */
  evm: EvmEngine
}

const init = workerData as WorkerInit
const port = parentPort
if (!port)
  throw new WorkerStartError('worker.ts must run in a worker thread (it was imported on the main thread)')
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

// A store that cannot be opened here is no failure: replica misses then go to the main thread.
const committed = await loadFactory<CommittedStateReader>(init.committedState, 'committedState').catch(
  () => undefined,
)
/** Whether `committed` shows this block's pre-state (checked by state root at each block). */
let direct = false

/** A replica miss: read the committed state directly when it is the block's pre-state, else ask the main thread. */
function fetch(request: ReadRequest): ReadResponse {
  return direct && committed ? readFrom(committed, request) : fetchSync(request)
}

function committedRoot(): string | undefined {
  try {
    return committed?.root()
  } catch {
    return undefined // unreadable (e.g. the file went away): ask the main thread
  }
}

const replica = new StateReplica(fetch)
const wasm = await loadFactory<WasmEngine>(init.wasm, 'wasm')
const precompiles = await loadFactory<CustomPrecompiles>(init.precompiles, 'precompiles')
const runner = new SpeculativeRunner(replica, wasm, precompiles, init.evm)
/** Set by the first message: the warm-up (on its own runner and state) stops at its next transaction. */
let workArrived = false
const post = (message: WorkerToMain, transfer?: ArrayBuffer[]) =>
  init.resultPort.postMessage(message, transfer)

port.on('message', async (message: MainToWorker) => {
  workArrived = true
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
    const synced = replica.sync(message.sync)
    // With the committed state at hand a miss costs a local read: no guesses for the main thread to check.
    direct = committed !== undefined && committedRoot() === message.sync.root
    replica.guessStorage = !direct && synced !== 'reset'
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
if (init.warmupTxs > 0) {
  const warmed = await warmUp({
    txs: init.warmupTxs,
    shouldStop: () => workArrived,
    wasm,
    precompiles,
    evm: init.evm,
  })
  port.postMessage({ type: 'warmed', ...warmed } satisfies WorkerToMain)
}
