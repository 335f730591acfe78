import type {
  AccountState,
  BlockContext,
  ExecutableTx,
  Receipt,
  StateView,
  WriteSet,
} from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'

/**
 * Messages between the parallel executor (main thread) and its workers. Every
 * payload is structured-clone friendly (bigint, Map and Uint8Array travel as is).
 */

/** A module a worker (and the main thread) imports to build its WASM engine: `await import(module)[exportName](options)`. */
/**
 * A factory the workers (and the main thread) load by module and export name, since engines and functions
 * cannot cross threads: the WASM engine, and the chain's custom precompiles (`CustomPrecompiles` map).
 */
export type WasmEngineSource = {
  /** Module specifier or file URL, resolvable from the worker (e.g. '@rollup-mesh/dual-vm' or a file:// URL). */
  module: string
  /** Name of the factory export; it is called with `options` and may return a promise. */
  exportName: string
  /** Structured-clone-able argument of the factory. */
  options?: unknown
}

/** A block write set in wire form (arrays, so it clones cheaply and keeps order). */
export type WireWriteSet = {
  accounts: [Address, AccountState | null][]
  storage: [Address, Hex, Hex][]
  code: [Hex, Uint8Array][]
}

/** How a worker brings its state replica to the block's pre-state. */
export type ReplicaSync = {
  /** The pre-block state root. */
  root: Hex
  /**
   * True values of storage slots workers guessed wrong (zero) in the block at
   * `corrections.root`; applied before the deltas, after which every other guess is confirmed.
   */
  corrections?: { root: Hex; entries: [Address, Hex, Hex][] }
  /** Write sets that move a replica at `deltas[0].from` to `root`, in order. */
  deltas: { from: Hex; to: Hex; writes: WireWriteSet }[]
}

/** Where a read value came from: the replica (pre-block), the chain's earlier writes, or a guess (unknown slot, zero). */
export const FROM_REPLICA = 0
export const FROM_CHAIN = 1
export const GUESSED = 2
export type ReadSource = typeof FROM_REPLICA | typeof FROM_CHAIN | typeof GUESSED

export type BlockRequest = {
  type: 'block'
  id: number
  header: BlockContext
  sync: ReplicaSync
  /** This worker's share, in block order; `chain` names the sequence it extends (same chain = same overlay). */
  txs: { index: number; chain: number; tx: ExecutableTx }[]
}

/**
 * One speculative execution. Reads are first reads only, with where the value
 * came from (a chain or guessed read is always validated by value).
 */
export type TxResult = {
  index: number
  /** Set when the worker threw (a bug or an engine failure): the main thread re-executes. */
  error?: string
  skipped?: string
  /** Its `logsBloom` is the transaction's bloom (the block's is their OR). */
  receipt?: Receipt
  accountReads: [Address, AccountState | null, boolean][]
  storageReads: [Address, Hex, Hex, ReadSource][]
  writes: WireWriteSet
  /**
   * The coinbase was only read for the fee credit after execution: its write is
   * left out of `writes` and this balance delta is added to whatever the coinbase holds.
   */
  coinbaseDelta?: bigint
  /** It read a value another sender's transaction of its chain wrote (what learned hints look for). */
  chainDependency?: true
  /** With `evm: 'fast'`: it ran on the fast engine (`true`), or was handed to ethereumjs for this reason. */
  fastEngine?: true | string
}

/** A share of a block's state-commitment work: hash these packed entries and sum them (see `ltHashChanges`). */
export type LtHashRequest = { type: 'lthash'; id: number; add: Uint8Array; remove: Uint8Array }

export type WorkerToMain =
  | { type: 'ready' }
  /** The worker's JIT warm-up ended (ran out, or real work arrived): on the worker's own port, after 'ready'. */
  | { type: 'warmed'; executed: number; succeeded: number; ms: number }
  | { type: 'results'; id: number; results: TxResult[] }
  | { type: 'failed'; id: number; message: string }
  | { type: 'lthash'; id: number; sum: Uint16Array }

export type MainToWorker = BlockRequest | LtHashRequest | { type: 'close' }

/** Synchronous state reads a worker asks for on a replica miss (over its own port). */
export type ReadRequest =
  | { kind: 'account'; address: Address }
  | { kind: 'storage'; address: Address; slot: Hex }
  | { kind: 'code'; codeHash: Hex }

export type ReadResponse = {
  account?: AccountState | null
  storage?: Hex
  code?: Uint8Array | null
}

/** Answers a worker's read from `state` (an account comes with its code, which the worker needs next). */
export function readFrom(state: StateView, request: ReadRequest): ReadResponse {
  if (request.kind === 'storage') return { storage: state.getStorage(request.address, request.slot) }
  if (request.kind === 'code') return { code: state.getCode(request.codeHash) ?? null }
  const account = state.getAccount(request.address) ?? null
  const code = account ? state.getCode(account.codeHash) : undefined
  return code && code.length > 0 ? { account, code } : { account }
}

export function writeSetToWire(ws: WriteSet): WireWriteSet {
  const storage: [Address, Hex, Hex][] = []
  for (const [address, slots] of ws.storage)
    for (const [slot, value] of slots) storage.push([address, slot, value])
  return { accounts: [...ws.accounts], storage, code: [...ws.code] }
}

/** Where the chain's custom precompiles come from (a factory returning a `CustomPrecompiles` map). */
export type PrecompilesSource = WasmEngineSource

/**
 * Where a worker can read the committed state itself (a factory returning a `CommittedStateReader`, e.g.
 * a read-only SQLite connection to the node's store), instead of asking the calling thread.
 */
export type CommittedStateSource = WasmEngineSource

/** Committed state a worker reads directly; trusted only while `root()` is the block's pre-state root. */
export type CommittedStateReader = StateView & { root(): Hex | undefined }

/** The result of a transaction a worker could not run (it failed or died): the calling thread re-executes it. */
export function failedTxResult(index: number, error: string): TxResult {
  return { index, error, accountReads: [], storageReads: [], writes: { accounts: [], storage: [], code: [] } }
}
