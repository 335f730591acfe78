import type { BlockExecutionResult, ExecutableTx, Receipt, WriteSet } from '@rollup-mesh/core'
import { type Address, bytesToHex, type Hex } from 'viem'
import { expect } from 'vitest'
import { type TxExecution, transactionTestHooks } from '../../../../src/executor/transaction.js'
import {
  createMemoryState,
  createSerialExecutor,
  type EvmEngine,
  type GenesisAlloc,
  intrinsicGas,
  type MemoryState,
  type SerialExecutor,
} from '../../../../src/index.js'
import { makeHeader, makeTx } from '../../helpers.js'

/** One call of a fuzzed sequence: a transaction without its nonce (the chain fills it in). */
export type FuzzCall = { from: Address; to: Address | null; data: Hex; value?: bigint; gas: bigint }

/** What one engine's block gave: the block result, and each transaction's execution (return data, refund). */
type EngineRun = { result: BlockExecutionResult; executions: TxExecution[] }

/**
 * Two chains over identical states, one per EVM engine: every block runs on both (ethereumjs first),
 * and status, gas used, refund, return data, logs, the complete write set and the state root must be
 * identical before either state moves on. `fork()` copies both states, so one deployment serves many runs.
 */
export class DualEngineChain {
  private readonly states: Record<EvmEngine, MemoryState>
  private readonly executors: Record<EvmEngine, SerialExecutor>
  number: bigint
  /** Transactions the fast engine ran itself (not handed to ethereumjs). */
  ranFast = 0
  blocks = 0
  /**
   * Whether the error texts must match too. Random bytecode turns it off: an exceptional halt uses all
   * gas on both engines, but their labels differ on some inputs (ethereumjs says `out of gas` for a
   * stack underflow after a CREATE, `invalid JUMP at <code hash>/<address>:<pc>` where the fast engine says
   * `invalid JUMP`); the text reaches `eth_call`'s error only, never a receipt or the state.
   */
  errorText = true
  /** Test-only: changes what the fast engine's executions recorded, to show the comparison bites. */
  perturbFast?: ((execution: TxExecution) => void) | undefined

  constructor(alloc: GenesisAlloc, number = 1n) {
    this.states = { fast: createMemoryState(alloc), ethereumjs: createMemoryState(alloc) }
    this.executors = {
      fast: createSerialExecutor({ evm: 'fast', yieldEveryMs: 0 }),
      ethereumjs: createSerialExecutor({ evm: 'ethereumjs', yieldEveryMs: 0 }),
    }
    this.number = number
  }

  /** A copy of this chain (both states, the block number) to run a sequence on. */
  fork(): DualEngineChain {
    return new DualEngineChain(this.states.ethereumjs.toAlloc(), this.number)
  }

  nonceOf(address: Address): bigint {
    return this.states.ethereumjs.getAccount(address)?.nonce ?? 0n
  }

  /**
   * Runs `calls` as one block on both engines and compares them; returns the (identical) receipts.
   * A call's gas is raised to its intrinsic gas when below (a skipped transaction would tell nothing).
   */
  async block(calls: readonly FuzzCall[]): Promise<Receipt[]> {
    const nonces = new Map<Address, bigint>()
    const txs: ExecutableTx[] = calls.map((c) => {
      const nonce = nonces.get(c.from) ?? this.nonceOf(c.from)
      nonces.set(c.from, nonce + 1n)
      const { intrinsic, floor } = intrinsicGas({ to: c.to, data: c.data })
      let gas = c.gas
      for (const least of [intrinsic, floor]) if (gas < least) gas = least
      return makeTx({ ...c, nonce, gas })
    })
    const header = makeHeader(this.number++)
    const reference = await this.runOn('ethereumjs', header, txs)
    const fast = await this.runOn('fast', header, txs)
    this.blocks++
    this.ranFast += fast.executions.filter((e) => e.engine === 'fast').length
    const mine = executionsOf(fast, this.errorText)
    const theirs = executionsOf(reference, this.errorText)
    expect(mine.length, 'executions').toBe(theirs.length)
    mine.forEach((e, i) => {
      for (const field of ['error', 'executionGasUsed', 'gasRefund', 'returnValue'] as const)
        expect(e[field], `block ${header.number} tx ${i} (${txs[i]?.data.slice(0, 10)}): ${field}`).toEqual(
          theirs[i]?.[field],
        )
    })
    expect(plain(fast.result)).toEqual(plain(reference.result))
    this.states.fast.apply(fast.result.writeSet)
    this.states.ethereumjs.apply(reference.result.writeSet)
    return reference.result.receipts
  }

  private async runOn(
    engine: EvmEngine,
    header: ReturnType<typeof makeHeader>,
    txs: ExecutableTx[],
  ): Promise<EngineRun> {
    const executions: TxExecution[] = []
    const perturb = engine === 'fast' ? this.perturbFast : undefined
    transactionTestHooks.onExecution = (e) => {
      const copy = { ...e }
      perturb?.(copy)
      executions.push(copy)
    }
    try {
      const result = await this.executors[engine].executeBlock({ header, txs }, this.states[engine])
      return { result, executions }
    } finally {
      transactionTestHooks.onExecution = undefined
    }
  }
}

/** Return data, execution gas, refund (counted only on success, as the transaction rules do) and error. */
function executionsOf(run: EngineRun, errorText: boolean) {
  return run.executions.map((e) => ({
    returnValue: bytesToHex(e.returnValue),
    executionGasUsed: e.executionGasUsed,
    gasRefund: e.error === undefined ? e.gasRefund : 0n,
    error: errorText || e.error === undefined ? e.error : 'failed',
  }))
}

function plain(r: BlockExecutionResult) {
  return {
    receipts: r.receipts,
    skipped: r.skipped,
    gasUsed: r.gasUsed,
    logsBloom: r.logsBloom,
    writeSet: writeSetEntries(r.writeSet),
    stateRoot: r.stateRoot,
  }
}

function writeSetEntries(w: WriteSet) {
  return {
    accounts: [...w.accounts].sort(([a], [b]) => a.localeCompare(b)),
    storage: [...w.storage]
      .map(([a, slots]) => [a, [...slots].sort(([x], [y]) => x.localeCompare(y))] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
    code: [...w.code]
      .map(([hash, code]) => [hash, bytesToHex(code)] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  }
}
