import type { Hardfork } from '@ethereumjs/common'
import { createAddressFromString } from '@ethereumjs/util'
import type {
  BlockContext,
  BlockExecutionResult,
  ExecutableTx,
  Executor,
  Receipt,
  SkippedTx,
  StateView,
} from '@rollup-mesh/core'
import { LogsBloom, ZERO_WORD } from '@rollup-mesh/core'
import { type Hex, hexToBytes, padHex } from 'viem'
import { DualVmEVM } from '../evm/dualEvm.js'
import type { CustomPrecompiles } from '../evm/precompiles.js'
import { commitWriteSet } from '../state/commitment.js'
import { JournaledState } from '../state/journal.js'
import type { WasmEngine } from '../wasm/types.js'
import {
  createEvmEngineStats,
  createFastBlock,
  type EvmEngine,
  type EvmEngineStats,
  parseEvmEngine,
} from './fastPath.js'
import { runTransaction, type TxEnv } from './transaction.js'
import { EvmVerifier, parseVerifyEvm, sampledForVerification } from './verifyEvm.js'
import { DEFAULT_YIELD_EVERY_MS, EventLoopYield } from './yield.js'

export type SerialExecutorOptions = {
  /** The WASM engine; without one, WASM deployments and calls revert with a clear reason. */
  wasm?: WasmEngine | undefined
  /** Chain-specific precompiles by address (see `CustomPrecompile`); none by default. */
  precompiles?: CustomPrecompiles | undefined
  /**
   * Lets the event loop turn at least this often (ms) while a block executes, so a node keeps answering
   * RPC and accepting transactions during a long block. 0 never yields. Default 5.
   */
  yieldEveryMs?: number | undefined
  /** The hardfork's rules; default `EVM_HARDFORK` (Osaka, what the nodes run). The Ethereum state tests run older ones. */
  hardfork?: Hardfork | undefined
  /**
   * Which EVM runs transactions: `'fast'` (default), the synchronous interpreter in `src/evm/fast/`, or
   * `'ethereumjs'` (@ethereumjs/evm). The fast engine hands a transaction it does not cover (a WASM account on the call
   * path, an EIP-7702 delegation, an asynchronous precompile) to ethereumjs whole; `evmStats` counts both.
   */
  evm?: EvmEngine | undefined
  /**
   * With `evm: 'fast'`: re-execute this fraction of transactions (0 to 1; sampled by transaction hash, so
   * every node checks the same ones) on @ethereumjs/evm over the same pre-state and compare the receipt
   * (status, gas, logs, revert data, contract address), the created addresses and the write set; the
   * first difference throws `EvmMismatchError` naming the transaction and the field. Default 0 (off).
   */
  verifyEvm?: number | undefined
}

/** The ethereumjs block object the EVM reads (NUMBER, TIMESTAMP, COINBASE, BASEFEE, PREVRANDAO, GASLIMIT). */
export function toEthBlock(header: BlockContext): TxEnv['ethBlock'] {
  return {
    header: {
      number: header.number,
      coinbase: createAddressFromString(header.coinbase.toLowerCase()),
      timestamp: header.timestamp,
      difficulty: 0n,
      prevRandao: hexToBytes(padHex(header.prevRandao, { size: 32 })),
      gasLimit: header.gasLimit,
      baseFeePerGas: header.baseFeePerGas,
      slotNumber: 0n,
      // No blob transactions on an SPN: BLOBBASEFEE reads the EIP-4844 minimum.
      getBlobGasPrice: () => 1n,
    },
  }
}

/** BLOCKHASH over `recentHashes` (newest last, i.e. the parent's hash is the last entry). */
export function blockHashLookup(header: BlockContext): (number: bigint) => Hex | undefined {
  const hashes = header.recentHashes ?? []
  return (number) => {
    const back = header.number - number
    if (back <= 0n || back > BigInt(hashes.length)) return undefined
    return hashes[hashes.length - Number(back)]
  }
}

/** An EVM kept across blocks, its journal rebased onto each block's state. */
type WarmBlockEvm = {
  journal: JournaledState
  evm: DualVmEVM
  chainId: bigint
  busy: boolean
  blockHash: ((number: bigint) => Hex | undefined) | undefined
}

/** A state with nothing in it: an idle EVM's journal overlays it so no block's state is kept alive. */
const EMPTY_STATE: StateView = {
  getAccount: () => undefined,
  getCode: () => undefined,
  getStorage: () => ZERO_WORD,
}

/**
 * The serial reference executor: runs a block's transactions one after
 * another over a journal on top of `state`, and returns receipts, the write set
 * (including the new state accumulator) and the new state root. `state` itself
 * is never written; the caller commits `result.writeSet`.
 */
export class SerialExecutor implements Executor {
  readonly wasm: WasmEngine | undefined
  readonly precompiles: CustomPrecompiles | undefined
  private readonly yieldEveryMs: number
  private readonly hardfork: Hardfork | undefined
  readonly engine: EvmEngine
  /** The fraction of transactions checked against ethereumjs (`verifyEvm`). */
  readonly verifyEvm: number
  /** Transactions the fast engine ran and those it handed to ethereumjs (with `evm: 'fast'`). */
  readonly evmStats: EvmEngineStats = createEvmEngineStats()
  /** The EVM the next block runs on (see `acquireEvm`). */
  private warm: WarmBlockEvm | undefined

  constructor(options: SerialExecutorOptions = {}) {
    this.engine = parseEvmEngine(options.evm)
    this.verifyEvm = parseVerifyEvm(options.verifyEvm)
    this.wasm = options.wasm
    this.precompiles = options.precompiles
    this.yieldEveryMs = options.yieldEveryMs ?? DEFAULT_YIELD_EVERY_MS
    this.hardfork = options.hardfork
  }

  async executeBlock(
    block: { header: BlockContext; txs: readonly ExecutableTx[] },
    state: StateView,
  ): Promise<BlockExecutionResult> {
    const { header, txs } = block
    const warm = this.acquireEvm(header, state)
    try {
      return await this.runBlock(header, txs, state, warm.journal, warm.evm)
    } finally {
      this.releaseEvm(warm)
    }
  }

  /**
   * The executor's EVM, built once and reused by every block (building @ethereumjs/evm and its Common was
   * ~2 ms a block) with its journal rebased onto `state`; a fresh one while another block still runs on
   * it, or for a different chain id.
   */
  private acquireEvm(header: BlockContext, state: StateView): WarmBlockEvm {
    const cached = this.warm
    const warm =
      cached && !cached.busy && cached.chainId === header.chainId ? cached : this.createWarmEvm(header)
    if (!this.warm || (!this.warm.busy && this.warm.chainId !== header.chainId)) this.warm = warm
    warm.busy = true
    warm.journal.rebase(state)
    warm.evm.journal.cleanJournal()
    warm.evm.transientStorage.clear()
    warm.blockHash = blockHashLookup(header)
    return warm
  }

  private createWarmEvm(header: BlockContext): WarmBlockEvm {
    const journal = new JournaledState(EMPTY_STATE)
    const warm: WarmBlockEvm = {
      journal,
      chainId: header.chainId,
      busy: false,
      blockHash: undefined,
      evm: new DualVmEVM({
        chainId: header.chainId,
        state: journal,
        wasm: this.wasm,
        blockHash: (number) => warm.blockHash?.(number),
        precompiles: this.precompiles,
        hardfork: this.hardfork,
      }),
    }
    return warm
  }

  /** Lets go of the block's state (the journal overlays an empty one) and frees the EVM for the next block. */
  private releaseEvm(warm: WarmBlockEvm): void {
    warm.journal.rebase(EMPTY_STATE)
    warm.blockHash = undefined
    warm.busy = false
  }

  private async runBlock(
    header: BlockContext,
    txs: readonly ExecutableTx[],
    state: StateView,
    journal: JournaledState,
    evm: DualVmEVM,
  ): Promise<BlockExecutionResult> {
    const ethBlock = toEthBlock(header)
    const fast =
      this.engine === 'fast'
        ? createFastBlock(evm, header, blockHashLookup(header), this.evmStats)
        : undefined
    let verifier: EvmVerifier | undefined
    const receipts: Receipt[] = []
    const included: ExecutableTx[] = []
    const skipped: SkippedTx[] = []
    const bloom = new LogsBloom()
    let gasUsed = 0n
    const turn = new EventLoopYield(this.yieldEveryMs)
    for (const tx of txs) {
      if (turn.due()) await turn.take()
      const env = {
        evm,
        header,
        ethBlock,
        gasRemaining: header.gasLimit - gasUsed,
        cumulativeGasUsed: gasUsed,
        index: receipts.length,
        fast,
      }
      let outcome: Awaited<ReturnType<typeof runTransaction>>
      if (fast && sampledForVerification(tx.hash, this.verifyEvm)) {
        verifier ??= new EvmVerifier(journal, {
          header,
          blockHash: blockHashLookup(header),
          wasm: this.wasm,
          precompiles: this.precompiles,
          hardfork: this.hardfork,
          stats: this.evmStats,
        })
        outcome = await verifier.run(env, tx)
      } else outcome = await runTransaction(env, tx)
      if (!outcome.included) {
        skipped.push({ hash: tx.hash, reason: outcome.reason })
        continue
      }
      receipts.push(outcome.receipt)
      included.push(tx)
      bloom.or(outcome.bloom)
      gasUsed = outcome.receipt.cumulativeGasUsed
    }
    const writeSet = journal.writeSet()
    const stateRoot = commitWriteSet(state, writeSet)
    return { receipts, included, skipped, gasUsed, logsBloom: bloom.toHex(), writeSet, stateRoot }
  }
}

/**
 * Creates the serial executor: a block's transactions one after another on one EVM (and WASM engine),
 * over a journal on `state`; the result carries the write set and the state root, `state` is untouched.
 *
 * @example
 * ```ts
 * import assert from 'node:assert'
 * import { createMemoryState, createSerialExecutor } from '@rollup-mesh/dual-vm'
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
 * const result = await createSerialExecutor().executeBlock({ header, txs: [tx] }, state)
 * assert.equal(result.receipts[0].status, 1)
 * state.apply(result.writeSet) // the executor never writes the state itself
 * assert.equal(state.getAccount(bob)?.balance, 1_000n)
 * ```
 */
export function createSerialExecutor(options: SerialExecutorOptions = {}): SerialExecutor {
  return new SerialExecutor(options)
}
