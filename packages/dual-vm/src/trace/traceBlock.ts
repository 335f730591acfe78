import {
  type BlockContext,
  type ExecutableTx,
  nextTurn,
  type StateView,
  type WriteSet,
} from '@rollup-mesh/core'
import type { Hex } from 'viem'
import { DualVmEVM } from '../evm/dualEvm.js'
import type { CustomPrecompiles } from '../evm/precompiles.js'
import { blockHashLookup, toEthBlock } from '../executor/serial.js'
import { intrinsicGas, runTransaction } from '../executor/transaction.js'
import { JournaledState } from '../state/journal.js'
import type { WasmEngine } from '../wasm/types.js'
import { TraceNotRunError } from './errors.js'
import { attachTraceHooks } from './hooks.js'
import type { TraceOptions } from './options.js'
import { RecordingState } from './recordingState.js'
import { createTracer } from './tracer.js'

/** The execution environment of the chain being traced (as given to its executor). */
export type TraceEnvironment = {
  wasm?: WasmEngine | undefined
  precompiles?: CustomPrecompiles | undefined
}

export type TraceBlockParameters = TraceEnvironment & {
  /** The block's own context (number, timestamp, coinbase, base fee, recent hashes). */
  header: BlockContext
  /** The state before the block (the parent block's post-state). */
  state: StateView
  /** The block's transactions in order. */
  txs: readonly ExecutableTx[]
  /** Trace only the transaction at this index (the ones before it run untraced); every one when absent. */
  index?: number
  options: TraceOptions
}

/** geth's `debug_traceBlock*` entries: each traced transaction's hash and its tracer's result. */
export type TraceBlockResult = { txHash: Hex; result: unknown }[]

/** Transactions traced (or run before the traced one) between two event-loop turns. */
export const TRACE_TXS_PER_TURN = 16

/** Writes `ws` into `journal` (a traced transaction's changes, for the transactions after it). */
function applyWriteSet(journal: JournaledState, ws: WriteSet): void {
  journal.beginTransaction()
  for (const [address, account] of ws.accounts) {
    if (account === null) {
      journal.putAccount(address, null)
      continue
    }
    const code = ws.code.get(account.codeHash)
    if (code) journal.putCode(address, code, account.vm)
    journal.putAccount(address, account)
  }
  for (const [address, slots] of ws.storage)
    for (const [slot, value] of slots) journal.putStorage(address, slot, value)
}

/**
 * Re-executes a block's transactions over the state before it, exactly as the serial executor runs them,
 * and traces them with the tracer `options` names (all of them, or the one at `index` after running the
 * ones before it untraced). Only the traced transactions' EVMs get listeners; the state is never written.
 * Every `TRACE_TXS_PER_TURN` transactions it waits for the event loop's next turn, so other work on the
 * thread (a node's RPC clients) goes on during a long trace; `state` must stay valid meanwhile (a past block's, not a head
 * that moves).
 *
 * @example
 * ```ts
 * import assert from 'node:assert'
 * import { createMemoryState, parseTraceOptions, traceBlock } from '@rollup-mesh/dual-vm'
 *
 * const alice = '0x00000000000000000000000000000000000a11ce'
 * const bob = '0x0000000000000000000000000000000000000b0b'
 * const state = createMemoryState({ [alice]: { balance: 10n ** 18n } })
 * const header = {
 *   number: 1n,
 *   timestamp: 1_700_000_000n,
 *   coinbase: '0x000000000000000000000000000000000000c0de',
 *   baseFeePerGas: 1n,
 *   gasLimit: 30_000_000n,
 *   chainId: 1n,
 *   prevRandao: `0x${'00'.repeat(32)}`,
 * }
 * const tx = {
 *   hash: `0x${'11'.repeat(32)}`,
 *   from: alice,
 *   type: 'eip1559',
 *   nonce: 0n,
 *   to: bob,
 *   value: 1_000n,
 *   data: '0x',
 *   gas: 21_000n,
 *   maxFeePerGas: 2n,
 *   maxPriorityFeePerGas: 1n,
 * }
 * const [traced] = await traceBlock({ header, state, txs: [tx], options: parseTraceOptions({ tracer: 'callTracer' }) })
 * assert.equal(traced.result.type, 'CALL')
 * assert.equal(traced.result.value, '0x3e8')
 * ```
 */
export async function traceBlock(params: TraceBlockParameters): Promise<TraceBlockResult> {
  const { header, txs, index } = params
  if (index !== undefined && (index < 0 || index >= txs.length))
    throw new TraceNotRunError(`no transaction at index ${index} of a block of ${txs.length}`)
  const base = new JournaledState(params.state)
  const evmOf = (state: JournaledState) =>
    new DualVmEVM({
      chainId: header.chainId,
      state,
      wasm: params.wasm,
      blockHash: blockHashLookup(header),
      precompiles: params.precompiles,
    })
  // the EVM of the transactions before `index` (run untraced): built only when there are some (a
  // `debug_traceCall` or a block's first transaction has none, and an EVM costs ~1 ms to build)
  let untraced: DualVmEVM | undefined
  let traced: { journal: JournaledState; evm: DualVmEVM } | undefined
  const ethBlock = toEthBlock(header)
  const results: TraceBlockResult = []
  let gasUsed = 0n
  let position = 0
  for (let i = 0; i < txs.length; i++) {
    if (index !== undefined && i > index) break
    // An event-loop turn every `TRACE_TXS_PER_TURN` transactions: a block's trace (hundreds of
    // transactions) would otherwise hold the node's thread from start to end, every other client waiting.
    if (i > 0 && i % TRACE_TXS_PER_TURN === 0) await nextTurn()
    const tx = txs[i] as ExecutableTx
    const env = {
      header,
      ethBlock,
      gasRemaining: header.gasLimit - gasUsed,
      cumulativeGasUsed: gasUsed,
      index: position,
    }
    if (index !== undefined && i < index) {
      untraced ??= evmOf(base)
      const outcome = await runTransaction({ ...env, evm: untraced }, tx)
      if (outcome.included) {
        gasUsed = outcome.receipt.cumulativeGasUsed
        position++
      }
      continue
    }
    // One EVM for every traced transaction of the call, its journal rebased over each one's recorded
    // prestate (as the serial executor reuses one EVM for a block): not an EVM per transaction.
    const prestate = new RecordingState(base)
    if (traced) traced.journal.rebase(prestate)
    else {
      const fresh = new JournaledState(prestate)
      traced = { journal: fresh, evm: evmOf(fresh) }
    }
    // (`runTransaction` cleans the EVM's own journal and the call clears transient storage)
    const { journal, evm } = traced
    const tracer = createTracer(params.options, journal)
    let returnValue: Uint8Array = new Uint8Array(0)
    const detach = attachTraceHooks(evm, {
      ...tracer.hooks,
      exit(result, message) {
        if (message.depth === 0) returnValue = result.execResult.returnValue
        tracer.hooks.exit?.(result, message)
      },
    })
    let outcome: Awaited<ReturnType<typeof runTransaction>>
    try {
      outcome = await runTransaction({ ...env, evm }, tx)
    } finally {
      detach()
      prestate.stop()
    }
    if (!outcome.included) throw new TraceNotRunError(outcome.reason)
    const { intrinsic } = intrinsicGas(tx)
    results.push({
      txHash: tx.hash,
      result: tracer.result({
        tx,
        receipt: outcome.receipt,
        executionGas: tx.gas - intrinsic,
        returnValue,
        prestate,
        poststate: journal,
      }),
    })
    applyWriteSet(base, journal.writeSet())
    gasUsed = outcome.receipt.cumulativeGasUsed
    position++
  }
  return results
}
