import type { BlockContext, ExecutableTx } from '@rollup-mesh/core'
import { DualVmEVM } from '../evm/dualEvm.js'
import type { CustomPrecompiles } from '../evm/precompiles.js'
import {
  createFastBlock,
  DEFAULT_EVM_ENGINE,
  type EvmEngine,
  type EvmEngineStats,
  type FastBlock,
} from '../executor/fastPath.js'
import { blockHashLookup, toEthBlock } from '../executor/serial.js'
import { runTransaction, type TxEnv, type TxOutcome } from '../executor/transaction.js'
import type { JournaledState } from '../state/journal.js'
import type { WasmEngine } from '../wasm/types.js'

/**
 * Re-execution of invalidated (or failed) speculative results on the calling thread, on the exact state
 * (the block's commit journal), with the serial executor's own `runTransaction`. The EVM is built at the
 * block's first re-execution only (building one costs ~0.4 ms).
 */
export class ReExecution {
  private evm: DualVmEVM | undefined
  private fast: FastBlock | undefined
  private readonly ethBlock: TxEnv['ethBlock']

  constructor(
    private readonly header: BlockContext,
    private readonly journal: JournaledState,
    private readonly wasm: WasmEngine | undefined,
    private readonly precompiles: CustomPrecompiles | undefined,
    /** The executor's engine; with `'fast'` its counts go to `stats`. */
    private readonly engine: EvmEngine = DEFAULT_EVM_ENGINE,
    private readonly stats?: EvmEngineStats,
  ) {
    this.ethBlock = toEthBlock(header)
  }

  /** Runs `tx` as the block's transaction `index`, with `gasRemaining` left in the block. */
  run(tx: ExecutableTx, gasRemaining: bigint, cumulativeGasUsed: bigint, index: number): Promise<TxOutcome> {
    const header = this.header
    this.evm ??= new DualVmEVM({
      chainId: header.chainId,
      state: this.journal,
      wasm: this.wasm,
      blockHash: blockHashLookup(header),
      precompiles: this.precompiles,
    })
    if (this.engine === 'fast' && this.stats)
      this.fast ??= createFastBlock(this.evm, header, blockHashLookup(header), this.stats)
    return runTransaction(
      {
        evm: this.evm,
        header,
        ethBlock: this.ethBlock,
        gasRemaining,
        cumulativeGasUsed,
        index,
        fast: this.fast,
      },
      tx,
    )
  }
}
