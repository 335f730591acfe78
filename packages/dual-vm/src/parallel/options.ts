import type { Logger } from '@rollup-mesh/core'
import type { Address } from 'viem'
import type { EvmEngine } from '../executor/fastPath.js'
import { DEFAULT_YIELD_EVERY_MS } from '../executor/yield.js'
import type { CommittedStateSource, WasmEngineSource } from './protocol.js'

export type ParallelExecutorOptions = {
  /**
   * Executing threads, the calling thread included (it runs a share of each block besides validating and
   * committing): `workers - 1` worker threads. Default `os.availableParallelism()`; 1 runs every block
   * serially on the calling thread.
   */
  workers?: number
  /**
   * How much of a block the calling thread executes itself, relative to one worker thread: 0 leaves it
   * only validation and commit; 'auto' (default) adapts it block by block so that the calling thread
   * finishes its share when the workers finish theirs.
   */
  callerWeight?: number | 'auto'
  /**
   * While it executes its own share, the calling thread lets its event loop run (one `setImmediate` turn)
   * at least this often, in ms, so a node keeps accepting transactions and answering RPC during a long
   * block. 0 never yields. Default 5.
   */
  yieldEveryMs?: number
  /**
   * Token transfers each worker runs on a scratch state right after it starts, so that V8 has optimised
   * the EVM before the first real block: a cold worker ran its first ~1,300 ERC20 transfers at about twice
   * the warm cost (measured). The warm-up stops as soon as work arrives. Default 0 (none).
   */
  warmupTxs?: number
  /**
   * How workers (and the calling thread, for re-executions) build their WASM
   * engine. Engines cannot cross threads, so this names a module and a factory.
   */
  wasm?: WasmEngineSource
  /** The chain's custom precompiles, loaded the same way in every worker (a factory returning the map). */
  precompiles?: WasmEngineSource
  /**
   * Where workers read committed state themselves (a factory returning a `CommittedStateReader`, e.g.
   * chain's `openCommittedState` over the node's store). Used for a block only while its `root()` is the
   * block's pre-state root; otherwise, or when absent, replica misses are served by the calling thread.
   */
  committedState?: CommittedStateSource
  /** Execute every block serially too and throw `ParallelMismatchError` on the first difference. */
  verifyParallel?: boolean
  /**
   * Which EVM runs transactions on every thread (the workers, the calling thread's share, re-executions,
   * serial blocks): `'fast'` or `'ethereumjs'`, as `SerialExecutorOptions.evm`; the default is the serial
   * executor's.
   */
  evm?: EvmEngine
  /**
   * With `evm: 'fast'`: re-execute this fraction of transactions (0 to 1, sampled by hash) on ethereumjs
   * and throw `EvmMismatchError` on a difference, as `SerialExecutorOptions.verifyEvm`. A parallel block is
   * then also executed serially (with the check) and compared, as with `verifyParallel`. Default 0.
   */
  verifyEvm?: number
  /** Blocks with fewer transactions run serially (dispatch costs more than it saves). Default 16. */
  minParallelTxs?: number
  /** A chain holding at least this share of the block makes it run serially. Default 0.9. */
  serialChainShare?: number
  /** Results a worker sends per message. Default 16. */
  batch?: number
  /** A worker's replica starts over when it holds more accounts and slots than this. Default 2,000,000. */
  maxReplicaEntries?: number
  /** The workers hash a block's state-commitment changes from this many entries on (fewer: the main thread). Default 64. */
  workerCommitEntries?: number
  logger?: Logger
}

export const defaultParallelExecutorOptions = {
  minParallelTxs: 16,
  serialChainShare: 0.9,
  batch: 16,
  maxReplicaEntries: 2_000_000,
  workerCommitEntries: 64,
  yieldEveryMs: DEFAULT_YIELD_EVERY_MS,
} as const

/** What the last block cost; `reExecuted` counts transactions whose speculative run was discarded. */
export type ParallelBlockStats = {
  mode: 'serial' | 'parallel'
  txs: number
  chains: number
  reExecuted: number
  /** Fee credits applied as deltas (the coinbase was not otherwise read). */
  lazyCoinbase: number
  /** Replica misses the main thread served during the block (synchronous fetches). */
  replicaReads: number
  /** Transactions whose guess of an unknown storage slot (zero) was wrong; the workers learn the value. */
  mispredicted: number
  hot: Address[]
  /** Transactions the calling thread executed speculatively itself (its share). */
  callerTxs: number
  /** Milliseconds from dispatch until the calling thread finished its share, and until the workers' last results came in. */
  callerDoneMs?: number
  workersDoneMs?: number
  /** Milliseconds from the last transaction committed to the state root (the commitment). */
  commitMs?: number
}
