import type { EVMResult, EVMRunCallOpts } from '@ethereumjs/evm'
import {
  type AccountState,
  type BlockContext,
  EMPTY_CODE_HASH,
  type ExecutableTx,
  type StateView,
} from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import { DualVmEVM } from '../evm/dualEvm.js'
import { StateInvariantError } from '../evm/errors.js'
import type { CustomPrecompiles } from '../evm/precompiles.js'
import {
  createEvmEngineStats,
  createFastBlock,
  DEFAULT_EVM_ENGINE,
  type EvmEngine,
  type EvmEngineStats,
  type FastBlock,
} from '../executor/fastPath.js'
import { blockHashLookup, toEthBlock } from '../executor/serial.js'
import { runTransaction } from '../executor/transaction.js'
import { JournaledState } from '../state/journal.js'
import type { WasmEngine } from '../wasm/types.js'
import {
  FROM_CHAIN,
  FROM_REPLICA,
  GUESSED,
  type ReadSource,
  type TxResult,
  type WireWriteSet,
} from './protocol.js'
import { StateReplica } from './replica.js'

/** Writes of the earlier transactions of one chain (same worker, block order). */
export class ChainOverlay {
  readonly accounts = new Map<Address, AccountState | null>()
  readonly storage = new Map<string, Hex>()
  readonly code = new Map<Hex, Uint8Array>()
  /** Who wrote each key last (a sender), to tell a nonce chain's own dependencies from real ones. */
  readonly writers = new Map<string, Address>()

  apply(
    writes: WireWriteSet,
    coinbase: Address,
    coinbaseDelta: bigint | undefined,
    seen: AccountState | null,
    sender: Address,
  ) {
    for (const [hash, code] of writes.code) this.code.set(hash, code)
    for (const [address, account] of writes.accounts) {
      this.accounts.set(address, account)
      this.writers.set(address, sender)
    }
    for (const [address, slot, value] of writes.storage) {
      this.storage.set(address + slot, value)
      this.writers.set(address + slot, sender)
    }
    if (coinbaseDelta !== undefined) {
      const base = seen ?? { nonce: 0n, balance: 0n, codeHash: EMPTY_CODE_HASH, vm: 'evm' as const }
      this.accounts.set(coinbase, { ...base, balance: base.balance + coinbaseDelta })
    }
  }
}

const PRE = 0
/** After the outermost call returned: a first read of the coinbase is the fee credit (lazy). */
const POST = 1

/**
 * The `StateView` a speculative transaction runs on: its chain's overlay, then
 * the replica of the pre-block state. It records the first read of every key
 * with the value seen and where it came from; the fee credit's coinbase read is
 * kept apart so ordinary transactions never conflict on the coinbase.
 */
export class SpeculativeView implements StateView {
  base: StateView
  /** Set when `base` is a replica that may guess storage (it says so after each read). */
  private replica: StateReplica | undefined
  overlay: ChainOverlay = new ChainOverlay()
  coinbase: Address = '0x0000000000000000000000000000000000000000'
  phase = PRE
  readonly accountReads = new Map<Address, [AccountState | null, boolean]>()
  readonly storageReads = new Map<string, [Address, Hex, Hex, ReadSource]>()
  /** The coinbase value the fee credit saw (`undefined`: not read lazily). */
  lazyCoinbase: AccountState | null | undefined
  /** The transaction's sender; a read of a key another sender of the chain wrote is a real dependency. */
  sender: Address = '0x0000000000000000000000000000000000000000'
  dependsOnOtherSender = false

  constructor(base: StateView) {
    this.base = base
    this.replica = base instanceof StateReplica ? base : undefined
  }

  /** Runs later transactions over another state (the calling thread's runner gets each block's state). */
  setBase(base: StateView): void {
    this.base = base
    this.replica = base instanceof StateReplica ? base : undefined
  }

  begin(overlay: ChainOverlay, coinbase: Address, sender: Address): void {
    this.overlay = overlay
    this.coinbase = coinbase
    this.sender = sender
    this.dependsOnOtherSender = false
    this.phase = PRE
    this.accountReads.clear()
    this.storageReads.clear()
    this.lazyCoinbase = undefined
  }

  getAccount(address: Address): AccountState | undefined {
    const read = this.accountReads.get(address)
    if (read) return read[0] ?? undefined
    const own = this.overlay.accounts.get(address)
    const fromOverlay = own !== undefined
    const value = fromOverlay ? own : (this.base.getAccount(address) ?? null)
    if (address === this.coinbase && this.phase !== PRE) {
      if (this.lazyCoinbase === undefined) this.lazyCoinbase = value
      return (this.lazyCoinbase ?? undefined) as AccountState | undefined
    }
    this.accountReads.set(address, [value, fromOverlay])
    if (fromOverlay && this.overlay.writers.get(address) !== this.sender) this.dependsOnOtherSender = true
    return value ?? undefined
  }

  getCode(codeHash: Hex): Uint8Array | undefined {
    return this.overlay.code.get(codeHash) ?? this.base.getCode(codeHash)
  }

  getStorage(address: Address, slot: Hex): Hex {
    const key = address + slot
    const read = this.storageReads.get(key)
    if (read) return read[2]
    const own = this.overlay.storage.get(key)
    if (own !== undefined) {
      this.storageReads.set(key, [address, slot, own, FROM_CHAIN])
      if (this.overlay.writers.get(key) !== this.sender) this.dependsOnOtherSender = true
      return own
    }
    const value = this.base.getStorage(address, slot)
    this.storageReads.set(key, [address, slot, value, this.replica?.guessed ? GUESSED : FROM_REPLICA])
    return value
  }
}

/**
 * A `JournaledState` that can be emptied between transactions, so one EVM
 * (about 0.4 ms to build) serves every transaction of a worker: the extra
 * checkpoint taken when a transaction begins is reverted by `reset()`.
 */
export class SpeculativeJournal extends JournaledState {
  override beginTransaction(): void {
    super.beginTransaction()
    this.checkpoint()
  }

  reset(): void {
    while (this.depth > 0) this.revert()
  }
}

/**
 * `DualVmEVM` that tells the view when the transaction's outermost call has
 * returned: `runTransaction` enters through `runCall` without a prepared
 * `message` (cross-VM calls from WASM re-enter with one) or through
 * `runWasmTransaction`. A missed entry point only costs speed (the fee
 * credit's coinbase read would count as a real read), never correctness.
 */
export class PhasedEVM extends DualVmEVM {
  onOutermostReturn: (() => void) | undefined

  override async runCall(opts: EVMRunCallOpts): Promise<EVMResult> {
    if (opts.message !== undefined) return super.runCall(opts)
    try {
      return await super.runCall(opts)
    } finally {
      this.onOutermostReturn?.()
    }
  }

  override async runWasmTransaction(
    opts: Parameters<DualVmEVM['runWasmTransaction']>[0],
  ): Promise<EVMResult> {
    try {
      return await super.runWasmTransaction(opts)
    } finally {
      this.onOutermostReturn?.()
    }
  }
}

/**
 * Runs transactions speculatively, one at a time, over a `StateView` (a worker's
 * replica, or the committed state itself on the calling thread): the serial
 * executor's `runTransaction` over a resettable journal, returning the receipt,
 * the read set and the write set.
 */
export class SpeculativeRunner {
  readonly view: SpeculativeView
  readonly journal: SpeculativeJournal
  private evm: PhasedEVM | undefined
  private chainId: bigint | undefined
  private header: BlockContext | undefined
  private ethBlock: ReturnType<typeof toEthBlock> | undefined
  private blockHash: ((n: bigint) => Hex | undefined) | undefined
  private readonly wasm: WasmEngine | undefined
  private readonly precompiles: CustomPrecompiles | undefined
  private overlays = new Map<number, ChainOverlay>()
  /** Which EVM runs the transactions (the executor's `evm`), and the fast engine's block setup and counts. */
  readonly engine: EvmEngine
  readonly evmStats: EvmEngineStats = createEvmEngineStats()
  private fast: FastBlock | undefined

  constructor(
    base: StateView,
    wasm?: WasmEngine,
    precompiles?: CustomPrecompiles,
    engine: EvmEngine = DEFAULT_EVM_ENGINE,
  ) {
    this.view = new SpeculativeView(base)
    this.journal = new SpeculativeJournal(this.view)
    this.wasm = wasm
    this.precompiles = precompiles
    this.engine = engine
  }

  /** Starts a block: block context, fresh chain overlays, an EVM for the chain id (and, optionally, another base state). */
  beginBlock(header: BlockContext, base?: StateView): void {
    if (base) this.view.setBase(base)
    this.header = header
    this.ethBlock = toEthBlock(header)
    this.blockHash = blockHashLookup(header)
    this.overlays = new Map()
    if (!this.evm || this.chainId !== header.chainId) {
      this.chainId = header.chainId
      this.evm = new PhasedEVM({
        chainId: header.chainId,
        state: this.journal,
        wasm: this.wasm,
        blockHash: (n) => this.blockHash?.(n),
        precompiles: this.precompiles,
      })
      this.evm.onOutermostReturn = () => {
        this.view.phase = POST
      }
    }
    if (this.engine === 'fast') {
      this.fast = createFastBlock(this.evm, header, (n) => this.blockHash?.(n), this.evmStats)
      // The fast engine never enters `runCall`: it says itself when the transaction's call has returned.
      this.fast.afterCall = () => {
        this.view.phase = POST
      }
    }
  }

  async run(index: number, chain: number, tx: ExecutableTx): Promise<TxResult> {
    const header = this.header
    const evm = this.evm
    if (!header || !evm || !this.ethBlock)
      throw new StateInvariantError('SpeculativeRunner.run() was called before beginBlock()')
    let overlay = this.overlays.get(chain)
    if (!overlay) {
      overlay = new ChainOverlay()
      this.overlays.set(chain, overlay)
    }
    const coinbase = header.coinbase.toLowerCase() as Address
    const view = this.view
    const sender = tx.from.toLowerCase() as Address
    view.begin(overlay, coinbase, sender)
    const result: TxResult = {
      index,
      accountReads: [],
      storageReads: [],
      writes: { accounts: [], storage: [], code: [] },
    }
    const fast = this.fast
    const ranFast = this.evmStats.fast
    const fellBack = this.evmStats.fallback
    try {
      const outcome = await runTransaction(
        {
          evm,
          header,
          ethBlock: this.ethBlock,
          gasRemaining: header.gasLimit,
          cumulativeGasUsed: 0n,
          index: 0,
          fast,
        },
        tx,
      )
      if (this.evmStats.fast > ranFast) result.fastEngine = true
      else if (this.evmStats.fallback > fellBack) result.fastEngine = fast?.lastFallback ?? 'unknown'
      view.phase = POST
      const ws = this.journal.writeSet()
      const writes = result.writes
      let coinbaseWrite: AccountState | null | undefined
      for (const entry of ws.accounts) {
        if (entry[0] === coinbase && view.lazyCoinbase !== undefined) coinbaseWrite = entry[1]
        else writes.accounts.push(entry)
      }
      for (const [address, slots] of ws.storage)
        for (const [slot, value] of slots) writes.storage.push([address, slot, value])
      for (const entry of ws.code) writes.code.push(entry)
      if (view.lazyCoinbase !== undefined) {
        const seen = view.lazyCoinbase?.balance ?? 0n
        result.coinbaseDelta = (coinbaseWrite?.balance ?? seen) - seen
      }
      if (outcome.included) {
        result.receipt = outcome.receipt
      } else {
        result.skipped = outcome.reason
      }
      overlay.apply(writes, coinbase, result.coinbaseDelta, view.lazyCoinbase ?? null, sender)
      if (view.dependsOnOtherSender) result.chainDependency = true
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error)
    } finally {
      this.journal.reset()
    }
    for (const [address, [value, fromOverlay]] of view.accountReads)
      result.accountReads.push([address, value, fromOverlay])
    for (const read of view.storageReads.values()) result.storageReads.push(read)
    return result
  }
}
