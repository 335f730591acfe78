import type { BlockContext, ExecutableTx, Executor, StateView, WriteSet } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import type { CallSimulator } from '../callSimulator.js'
import type { SignedTx } from '../tx.js'

/** One genesis account as the VM's `genesisWriteSet` takes it (dual-vm's `GenesisAccount` fits). */
export type NodeGenesisAccount = {
  balance?: bigint
  nonce?: bigint
  code?: Hex | Uint8Array
  storage?: Record<Hex, Hex>
}

export type NodeGenesisAlloc = Record<Address, NodeGenesisAccount>

/** A call run as a transaction for tracing or an access list (`debug_traceCall`, `eth_createAccessList`). */
export type NodeTraceCall = {
  from?: Address
  to?: Address | null
  data?: Hex
  value?: bigint
  /** The gas limit, intrinsic gas included. */
  gas?: bigint
  /** 0 (the default) runs without fees and with BASEFEE 0, as geth runs calls. */
  gasPrice?: bigint
  accessList?: readonly { address: Address; storageKeys: readonly Hex[] }[]
}

/**
 * Re-execution with a tracer (dual-vm's `createTracingVM`). `options` is geth's trace options object as
 * received; an unknown tracer or a bad option throws a `BaseError` with code `TRACER_UNSUPPORTED` or
 * `TRACE_OPTION_INVALID` before anything runs, a transaction that cannot run throws `TRACE_NOT_RUN`.
 */
export type NodeTracer = {
  /** Re-executes a block's `txs` over the state before it and traces them (only the one at `index` if given). */
  traceBlock(params: {
    header: BlockContext
    state: StateView
    txs: readonly ExecutableTx[]
    index?: number
    options: unknown
  }): Promise<{ txHash: Hex; result: unknown }[]>
  traceCall(params: {
    header: BlockContext
    state: StateView
    call: NodeTraceCall
    options: unknown
  }): Promise<unknown>
  createAccessList(params: { header: BlockContext; state: StateView; call: NodeTraceCall }): Promise<{
    accessList: { address: Address; storageKeys: Hex[] }[]
    gasUsed: bigint
    error?: string
  }>
}

/**
 * The execution side of a node, supplied by the node (chain does not depend on dual-vm): the executor,
 * the `eth_call` simulator, the VM's intrinsic-gas rule and its genesis write set.
 */
export type NodeVM = {
  /** `start` (worker threads warm up) runs before RPC opens; `close` after the last block. */
  executor: Executor & { start?: () => Promise<void>; close?: () => Promise<void> }
  simulateCall?: CallSimulator
  /** Tracing (`debug_trace*`, `eth_createAccessList`); without it those methods are not served. */
  tracer?: NodeTracer
  /** The VM's intrinsic gas and EIP-7623 floor of a transaction (dual-vm's `intrinsicGas`). */
  intrinsicGas: (tx: SignedTx) => { intrinsic: bigint; floor: bigint }
  /** The write set creating `alloc` over an empty state, and its state root (dual-vm's `genesisWriteSet`). */
  genesisWriteSet: (alloc: NodeGenesisAlloc) => { writeSet: WriteSet; stateRoot: Hex }
  /**
   * The state commitment of a write set over a base state (dual-vm's `commitWriteSet`): writes outside
   * blocks (dev methods) move the state root with it, so the next block and the parallel executor's worker
   * replicas (keyed by root) see them.
   */
  commitWriteSet?: (base: StateView, ws: WriteSet) => Hex
}

/** The gas the mempool requires of a transaction: the larger of the VM's intrinsic gas and its floor. */
export function mempoolIntrinsicGas(vm: Pick<NodeVM, 'intrinsicGas'>): (tx: SignedTx) => bigint {
  const rule = vm.intrinsicGas
  return (tx) => {
    const g = rule(tx)
    if (g.intrinsic > g.floor) return g.intrinsic
    return g.floor
  }
}
