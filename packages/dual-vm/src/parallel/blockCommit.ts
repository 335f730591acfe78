import {
  type BlockContext,
  type ExecutableTx,
  LogsBloom,
  type Receipt,
  type SkippedTx,
  type StateView,
} from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import type { CustomPrecompiles } from '../evm/precompiles.js'
import type { EvmEngine, EvmEngineStats } from '../executor/fastPath.js'
import type { WasmEngine } from '../wasm/types.js'
import { applyResult } from './applyResult.js'
import { CommitJournal } from './commitJournal.js'
import { GUESSED, type TxResult } from './protocol.js'
import { ReExecution } from './reExecution.js'
import { firstConflict } from './validate.js'

/**
 * A parallel block's commit in block order, on the calling thread: each speculative result is checked
 * (guesses about the pre-block state, then its reads against what earlier transactions committed) and its
 * writes applied, or the transaction is re-executed right there on the exact state. Holds the block's
 * receipts, gas, bloom and what the scheduler learns (calls and conflicts per contract).
 */
export class BlockCommit {
  readonly journal: CommitJournal
  readonly receipts: Receipt[] = []
  readonly included: ExecutableTx[] = []
  readonly skipped: SkippedTx[] = []
  readonly bloom = new LogsBloom()
  readonly calls = new Map<Address, number>()
  readonly conflicts = new Map<Address, number>()
  /** True values of storage slots a worker guessed wrong (zero); the replicas learn them next block. */
  readonly corrections: [Address, Hex, Hex][] = []
  gasUsed = 0n
  reExecuted = 0
  lazyCoinbase = 0
  mispredicted = 0
  private readonly reExecution: ReExecution
  private readonly coinbase: Address

  constructor(
    private readonly header: BlockContext,
    private readonly state: StateView,
    runtime: {
      wasm: WasmEngine | undefined
      precompiles: CustomPrecompiles | undefined
      engine: EvmEngine
      evmStats: EvmEngineStats
    },
  ) {
    this.journal = new CommitJournal(state)
    this.reExecution = new ReExecution(
      header,
      this.journal,
      runtime.wasm,
      runtime.precompiles,
      runtime.engine,
      runtime.evmStats,
    )
    this.coinbase = header.coinbase.toLowerCase() as Address
  }

  /** Commits transaction `tx` (the next in block order) from its speculative result `r`. */
  async commit(tx: ExecutableTx, r: TxResult): Promise<void> {
    // Guesses about the pre-block state (validate.ts explains both checks), inline: once per transaction.
    let wrongGuess = false
    for (const [address, slot, value, source] of r.storageReads) {
      if (source !== GUESSED) continue
      const actual = this.state.getStorage(address, slot)
      if (actual !== value) {
        this.corrections.push([address, slot, actual])
        wrongGuess = true
      }
    }
    if (wrongGuess) this.mispredicted++
    const to = tx.to?.toLowerCase() as Address | undefined
    if (to) this.calls.set(to, (this.calls.get(to) ?? 0) + 1)
    const remaining = this.header.gasLimit - this.gasUsed
    if (tx.gas > remaining) {
      this.skipped.push({
        hash: tx.hash,
        reason: `gas limit ${tx.gas} exceeds the block's remaining gas ${remaining}`,
      })
      return
    }
    const conflict = r.error === undefined ? firstConflict(r, this.journal) : 'error'
    if (conflict === undefined && applyResult(r, this.journal, this.coinbase)) {
      if (r.coinbaseDelta !== undefined) this.lazyCoinbase++
      if (to && r.chainDependency) this.conflicts.set(to, (this.conflicts.get(to) ?? 0) + 1)
      if (r.skipped !== undefined) {
        this.skipped.push({ hash: tx.hash, reason: r.skipped })
        return
      }
      const receipt = r.receipt as Receipt
      this.gasUsed += receipt.gasUsed
      this.receipts.push({
        ...receipt,
        transactionIndex: this.receipts.length,
        cumulativeGasUsed: this.gasUsed,
      })
      this.included.push(tx)
      if (receipt.logs.length > 0) this.bloom.orHex(receipt.logsBloom)
      return
    }
    // Invalidated (or failed): run it again here, on the exact state, as the serial executor does.
    this.reExecuted++
    // A wrong guess about the pre-block state is no conflict between transactions.
    if (to && !wrongGuess) this.conflicts.set(to, (this.conflicts.get(to) ?? 0) + 1)
    const outcome = await this.reExecution.run(tx, remaining, this.gasUsed, this.receipts.length)
    if (!outcome.included) {
      this.skipped.push({ hash: tx.hash, reason: outcome.reason })
      return
    }
    this.receipts.push(outcome.receipt)
    this.included.push(tx)
    this.bloom.or(outcome.bloom)
    this.gasUsed = outcome.receipt.cumulativeGasUsed
  }
}
