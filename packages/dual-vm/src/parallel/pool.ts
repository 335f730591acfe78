import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads'
import type { StateView } from '@rollup-mesh/core'
import type { EvmEngine } from '../executor/fastPath.js'
import type { LtHashChanges } from '../state/commitment.js'
import type { LtHash } from '../state/ltHash.js'
import { workerEntry } from './entry.js'
import { WorkerStartError } from './errors.js'
import {
  type CommittedStateSource,
  type MainToWorker,
  type PrecompilesSource,
  type ReadRequest,
  type ReadResponse,
  readFrom,
  type WasmEngineSource,
  type WorkerToMain,
} from './protocol.js'
import type { WarmUpResult } from './warmup.js'
import type { WorkerInit } from './worker.js'

type PoolWorker = {
  worker: Worker
  readPort: MessagePort
  resultPort: MessagePort
  flag: Int32Array
  onMessage: ((message: WorkerToMain) => void) | undefined
  exited: boolean
  /** Rejects the request waiting on this worker when it dies. */
  abort?: ((reason: string) => void) | undefined
}

/**
 * A fixed set of warm worker threads. Each serves its replica misses through a
 * `MessagePort` answered here from the block's `StateView` and a shared flag
 * the worker sleeps on (`Atomics.wait`), so a worker's read is synchronous.
 * Results come back on a port of their own: they arrive as events when the
 * calling thread waits, and `poll()` takes them (and serves reads) while it is
 * busy executing its own share of a block.
 */
export class WorkerPool {
  readonly size: number
  private readonly workers: PoolWorker[] = []
  /** The committed state reads are served from while a block runs. */
  state: StateView | undefined
  reads = 0
  /** Each worker's JIT warm-up, once it has ended (see `ParallelExecutorOptions.warmupTxs`). */
  readonly warmUps: WarmUpResult[] = []
  private closed = false
  private onExit: ((index: number, reason: string) => void) | undefined

  constructor(size: number) {
    this.size = size
  }

  async start(options: {
    wasm?: WasmEngineSource | undefined
    precompiles?: PrecompilesSource | undefined
    committedState?: CommittedStateSource | undefined
    batch: number
    maxReplicaEntries: number
    warmupTxs: number
    evm: EvmEngine
  }): Promise<void> {
    const { url, execArgv, wasm, precompiles, committedState, cleanup } = await workerEntry(
      options.wasm,
      options.precompiles,
      options.committedState,
    )
    const starts: Promise<void>[] = []
    for (let i = 0; i < this.size; i++) {
      const { port1, port2 } = new MessageChannel()
      const results = new MessageChannel()
      const shared = new SharedArrayBuffer(4)
      const init: WorkerInit = {
        readPort: port2,
        resultPort: results.port2,
        flag: shared,
        batch: options.batch,
        maxReplicaEntries: options.maxReplicaEntries,
        warmupTxs: options.warmupTxs,
        evm: options.evm,
      }
      if (wasm) init.wasm = wasm
      if (precompiles) init.precompiles = precompiles
      if (committedState) init.committedState = committedState
      const worker = new Worker(url, {
        workerData: init,
        transferList: [port2, results.port2],
        ...(execArgv ? { execArgv } : {}),
      })
      const entry: PoolWorker = {
        worker,
        readPort: port1,
        resultPort: results.port1,
        flag: new Int32Array(shared),
        onMessage: undefined,
        exited: false,
      }
      this.workers.push(entry)
      port1.on('message', (request: ReadRequest) => this.serve(entry, request))
      results.port1.on('message', (message: WorkerToMain) => entry.onMessage?.(message))
      starts.push(
        new Promise<void>((resolve, reject) => {
          const fail = (reason: string) => {
            entry.exited = true
            entry.abort?.(reason)
            reject(new WorkerStartError(reason))
            if (!this.closed) this.onExit?.(i, reason)
          }
          worker.on('message', (message: WorkerToMain) => {
            if (message.type === 'ready') resolve()
            else if (message.type === 'warmed') {
              const { executed, succeeded, ms } = message
              this.warmUps.push({ executed, succeeded, ms })
            }
          })
          worker.once('error', (error) => fail(error.message))
          worker.once('exit', (code) => fail(`exited with code ${code}`))
        }),
      )
    }
    try {
      await Promise.all(starts)
    } catch (error) {
      await this.close()
      throw error
    } finally {
      await cleanup()
    }
    this.unref()
  }

  private serve(entry: PoolWorker, request: ReadRequest): void {
    this.reads++
    const response: ReadResponse = this.state ? readFrom(this.state, request) : {}
    entry.readPort.postMessage(response)
    Atomics.store(entry.flag, 0, 1)
    Atomics.notify(entry.flag, 0)
  }

  /**
   * Serves the workers' pending replica reads and hands their pending results to
   * `onMessage`, synchronously (for a calling thread busy with its own share).
   */
  poll(): void {
    for (const entry of this.workers) {
      if (entry.exited) continue
      for (let m = receiveMessageOnPort(entry.readPort); m; m = receiveMessageOnPort(entry.readPort))
        this.serve(entry, m.message as ReadRequest)
      for (let m = receiveMessageOnPort(entry.resultPort); m; m = receiveMessageOnPort(entry.resultPort))
        entry.onMessage?.(m.message as WorkerToMain)
    }
  }

  /** Sends one message to worker `index` and routes its replies to `onMessage` until the next `send`. */
  send(index: number, message: MainToWorker, onMessage: (message: WorkerToMain) => void): void {
    const entry = this.workers[index]
    if (!entry || entry.exited) throw new WorkerStartError(`worker ${index} is not running`)
    entry.onMessage = onMessage
    entry.worker.postMessage(message)
  }

  /**
   * Worker `index` hashes and sums a share of a block's state-commitment changes (the workers are idle
   * once a block's transactions are in). Rejects if the worker fails or is not running.
   */
  ltHash(index: number, id: number, changes: LtHashChanges): Promise<LtHash> {
    return new Promise<LtHash>((resolve, reject) => {
      const entry = this.workers[index]
      const done = () => {
        if (entry) entry.abort = undefined
      }
      try {
        this.send(index, { type: 'lthash', id, add: changes.add, remove: changes.remove }, (message) => {
          if (message.type === 'lthash' && message.id === id) {
            done()
            resolve(message.sum)
          } else if (message.type === 'failed' && message.id === id) {
            done()
            reject(new WorkerStartError(message.message))
          }
        })
        if (entry) entry.abort = (reason) => reject(new WorkerStartError(reason))
      } catch (error) {
        reject(error)
      }
    })
  }

  /** Called with the worker's index when one dies while the pool runs. */
  onWorkerExit(listener: (index: number, reason: string) => void): void {
    this.onExit = listener
  }

  /** Keeps the process alive while a block is in flight. */
  ref(): void {
    for (const { worker, readPort, resultPort } of this.workers) {
      worker.ref()
      readPort.ref()
      resultPort.ref()
    }
  }

  /** Lets the process exit between blocks even if `close()` is forgotten. */
  unref(): void {
    for (const { worker, readPort, resultPort } of this.workers) {
      worker.unref()
      readPort.unref()
      resultPort.unref()
    }
  }

  async close(): Promise<void> {
    this.closed = true
    const workers = this.workers.splice(0)
    await Promise.all(
      workers.map(async ({ worker, readPort, resultPort }) => {
        readPort.close()
        resultPort.close()
        await worker.terminate()
      }),
    )
  }
}
