import { createCustomCommon, Hardfork, Mainnet } from '@ethereumjs/common'
import {
  type Log as EthLog,
  EVM,
  EVMError,
  type EVMMockBlockchainInterface,
  type EVMResult,
  type ExecResult,
  Message,
  NobleBN254,
  type PrecompileFunc,
} from '@ethereumjs/evm'
import { Account, createAddressFromString, type Address as EthAddress } from '@ethereumjs/util'
import { EMPTY_CODE_HASH, keccak256 } from '@rollup-mesh/core'
import { type Address, type Hex, hexToBytes } from 'viem'
import { EthereumJSStateManager } from '../state/ethereumjs.js'
import type { JournaledState } from '../state/journal.js'
import { encodeErrorString } from '../wasm/errorString.js'
import { isWasmInitCode } from '../wasm/initCode.js'
import type {
  CrossCallRequest,
  CrossCallResult,
  WasmCallContext,
  WasmEngine,
  WasmHost,
  WasmResult,
} from '../wasm/types.js'
import { StateInvariantError } from './errors.js'
import { FrameHost } from './frameHost.js'
import { lazyKZG } from './kzg.js'
import { type CustomPrecompiles, toEthPrecompile } from './precompiles.js'
import { engineFailure, errorMessage, revertResult } from './revert.js'
import { installJumpAnalysisCache, installSyncStepLoop, memoizeActivatedEIPs } from './speedups.js'

/**
 * The hardfork the EVM runs. Osaka is the newest hardfork @ethereumjs/evm 10
 * implements as final; its later entries (BPO1–5) only change blob parameters
 * and Amsterdam is marked experimental ("may change on patch releases") and
 * changes gas accounting (EIP-8037 state gas, EIP-7708 transfer logs).
 */
export const EVM_HARDFORK = Hardfork.Osaka

/** The call depth limit shared by both VMs (the EVM's 1024). */
export const MAX_CALL_DEPTH = 1024

/** Gas per byte of stored WASM code, the EVM's code-deposit price (EIP-170's `createDataGas`). */
export const WASM_CODE_DEPOSIT_GAS_PER_BYTE = 200n

await installJumpAnalysisCache()
await installSyncStepLoop()

const toAddress = (address: EthAddress): Address => address.toString() as Address

export type DualVmEVMOptions = {
  chainId: bigint
  /** The hardfork's rules; default `EVM_HARDFORK` (what the nodes run). Older forks serve conformance tests. */
  hardfork?: Hardfork | undefined
  state: JournaledState
  /** Runs WASM contracts; without it, WASM deployments and calls revert with a clear reason. */
  wasm?: WasmEngine | undefined
  /** Serves BLOCKHASH. */
  blockHash?: (number: bigint) => Hex | undefined
  /** Extra precompiles (ethereumjs `customPrecompiles`); none by default. */
  precompiles?: CustomPrecompiles | undefined
}

/**
 * @ethereumjs/evm with WASM dispatch: a call whose code address holds a
 * `wasm`-tagged account runs on the WASM engine, creation data that starts with
 * `\0asm` deploys a WASM contract, and WASM host calls re-enter `runCall`, so
 * both VMs share one journal (checkpoint per call frame), one gas budget and
 * one depth counter.
 */
export class DualVmEVM extends EVM {
  readonly state: JournaledState
  readonly wasm: WasmEngine | undefined

  constructor(options: DualVmEVMOptions) {
    const common = createCustomCommon({ chainId: Number(options.chainId) }, Mainnet, {
      hardfork: options.hardfork ?? EVM_HARDFORK,
      customCrypto: { keccak256: (data: Uint8Array) => keccak256(data, 'bytes'), kzg: lazyKZG },
    })
    memoizeActivatedEIPs(common)
    const blockHash = options.blockHash
    const blockchain: EVMMockBlockchainInterface = {
      getBlock: async (number: number) => {
        const hash = blockHash?.(BigInt(number))
        return { hash: () => (hash ? hexToBytes(hash) : new Uint8Array(32)) }
      },
      putBlock: async () => {},
      shallowCopy() {
        return blockchain
      },
    } as unknown as EVMMockBlockchainInterface
    super({
      common,
      stateManager: new EthereumJSStateManager(options.state),
      blockchain,
      bn254: new NobleBN254(),
      ...(options.precompiles?.size
        ? {
            customPrecompiles: [...options.precompiles].map(([address, fn]) => ({
              address: address.toLowerCase() as Hex,
              function: toEthPrecompile(fn),
            })),
          }
        : {}),
    })
    this.state = options.state
    this.wasm = options.wasm
  }

  /** Addresses (unprefixed hex, as ethereumjs keys them) of every active precompile, custom ones included: warm from a transaction's start. */
  precompileAddresses(): string[] {
    return [...this._precompiles.keys()]
  }

  /** Every active precompile by `0x` address (ethereumjs's implementations), for the fast engine. */
  precompileFunctions(): Map<string, PrecompileFunc> {
    const out = new Map<string, PrecompileFunc>()
    for (const [address, fn] of this._precompiles) out.set(`0x${address}`, fn)
    return out
  }

  /** Sets the block precompiles read (custom ones read its timestamp) before a fast-engine transaction; returns the EVM to hand them. */
  forPrecompiles(block: NonNullable<Parameters<EVM['runCall']>[0]['block']>): this {
    this._block = block
    return this
  }

  /** The current call's ethereumjs block-level context as the WASM SDK sees it. */
  private blockContext(): WasmCallContext['block'] {
    const header = this._block?.header
    return {
      number: header?.number ?? 0n,
      timestamp: header?.timestamp ?? 0n,
      chainId: this.common.chainId(),
      coinbase: (header
        ? toAddress(header.coinbase)
        : '0x0000000000000000000000000000000000000000') as Address,
      baseFeePerGas: header?.baseFeePerGas ?? 0n,
    }
  }

  protected override async runInterpreter(
    message: Message,
    opts: { initialLogs?: EthLog[] } = {},
  ): Promise<ExecResult> {
    if (!message.isCreate && message.to !== undefined) {
      const context = toAddress(message.to)
      const codeAddress = toAddress(message.codeAddress)
      const codeVm = this.state.vmOf(codeAddress)
      if (codeAddress !== context && codeVm !== this.state.vmOf(context)) {
        return revertResult(
          `delegatecall across VMs is not supported: ${codeAddress} is ${codeVm.toUpperCase()}, the calling contract is not`,
          0n,
        )
      }
      if (codeVm === 'wasm') return this.runWasm(message, context)
    }
    return super.runInterpreter(message, opts)
  }

  protected override async _executeCreate(message: Message): Promise<EVMResult> {
    if (!isWasmInitCode(message.data)) return super._executeCreate(message)
    return this.executeWasmCreate(message)
  }

  /**
   * A transaction's outermost call into a WASM contract, without ethereumjs's
   * message machinery (about half of a WASM transfer's time went there). Same
   * semantics as `runCall` at depth 0: the nonce bump survives a revert, the
   * value moves inside the frame's checkpoint, transient storage is cleared
   * after. The caller has checked the sender's balance for `value`.
   */
  async runWasmTransaction(opts: {
    caller: Address
    to: Address
    value: bigint
    data: Uint8Array
    gasLimit: bigint
    gasPrice: bigint
    block: NonNullable<Parameters<EVM['runCall']>[0]['block']>
  }): Promise<EVMResult> {
    const caller = createAddressFromString(opts.caller)
    this._block = opts.block
    this._tx = { gasPrice: opts.gasPrice, origin: caller }
    const state = this.state
    const sender = state.getAccount(opts.caller)
    if (!sender) throw new StateInvariantError(`the sender ${opts.caller} has no account`)
    state.putAccount(opts.caller, { ...sender, nonce: sender.nonce + 1n })
    await this.journal.checkpoint()
    this.transientStorage.checkpoint()
    if (opts.value > 0n) {
      const from = state.getAccount(opts.caller)!
      state.putAccount(opts.caller, { ...from, balance: from.balance - opts.value })
      const to = state.getAccount(opts.to)!
      state.putAccount(opts.to, { ...to, balance: to.balance + opts.value })
    }
    const message = new Message({
      caller,
      to: createAddressFromString(opts.to),
      value: opts.value,
      data: opts.data,
      gasLimit: opts.gasLimit,
      depth: 0,
      selfdestruct: new Map(),
      createdAddresses: new Set(),
    })
    message.code = state.getCodeAt(opts.to)
    const execResult = await this.runWasm(message, opts.to)
    if (execResult.exceptionError) {
      await this.journal.revert()
      this.transientStorage.revert()
      execResult.logs = []
    } else {
      await this.journal.commit()
      this.transientStorage.commit()
    }
    this.transientStorage.clear()
    return { execResult }
  }

  private async runWasm(message: Message, context: Address): Promise<ExecResult> {
    const gasLimit = message.gasLimit
    if (!this.wasm) return revertResult('WASM contracts are not enabled on this executor', gasLimit)
    const code = message.code instanceof Uint8Array ? message.code : this.state.getCodeAt(context)
    const logs: EthLog[] = []
    const ctx: WasmCallContext = {
      address: context,
      caller: toAddress(message.caller),
      origin: this._tx?.origin ? toAddress(this._tx.origin) : toAddress(message.caller),
      value: message.value,
      calldata: message.data,
      gasLimit,
      isStatic: message.isStatic,
      depth: message.depth,
      block: this.blockContext(),
    }
    let result: WasmResult
    try {
      result = await this.wasm.call(code, ctx, this.createHost(ctx, message, logs))
    } catch (error) {
      result = engineFailure(error, gasLimit)
    }
    return this.toExecResult(message, result, logs, 0n)
  }

  private toExecResult(message: Message, result: WasmResult, logs: EthLog[], extraGas: bigint): ExecResult {
    const gasLimit = message.gasLimit
    let gasUsed = result.gasUsed + extraGas
    if (result.status === 'out-of-gas' || gasUsed > gasLimit) gasUsed = gasLimit
    if (result.status === 'success') {
      return {
        returnValue: result.returnData,
        executionGasUsed: gasUsed,
        logs,
        gasRefund: message.gasRefund,
        ...(message.selfdestruct ? { selfdestruct: message.selfdestruct } : {}),
        ...(message.createdAddresses ? { createdAddresses: message.createdAddresses } : {}),
      }
    }
    const returnValue =
      result.returnData.length > 0 ? result.returnData : encodeErrorString(result.error ?? result.status)
    return {
      returnValue,
      exceptionError: new EVMError(EVMError.errorMessages.REVERT),
      executionGasUsed: gasUsed,
    }
  }

  private async executeWasmCreate(message: Message): Promise<EVMResult> {
    const gasLimit = message.gasLimit
    const initData = message.data
    const fail = (reason: string, createdAddress?: EthAddress): EVMResult => ({
      ...(createdAddress ? { createdAddress } : {}),
      execResult: revertResult(reason, gasLimit),
    })
    const caller = (await this.stateManager.getAccount(message.caller)) ?? new Account()
    try {
      await this._reduceSenderBalance(caller, message)
    } catch {
      return fail('insufficient balance for the deployment value')
    }
    message.code = initData
    message.data = new Uint8Array(0)
    const to = await this._generateAddress(message)
    message.to = to
    message.createdAddresses?.add(to.toString())
    const address = toAddress(to)
    const existing = this.state.getAccount(address)
    if (
      (existing && (existing.nonce > 0n || existing.codeHash !== EMPTY_CODE_HASH)) ||
      this.state.hasStorage(address) // EIP-7610
    ) {
      return fail(`contract address ${address} is already in use`, to)
    }
    if (!this.wasm) return fail('WASM contracts are not enabled on this executor', to)
    let deployment: ReturnType<WasmEngine['prepareDeployment']>
    try {
      deployment = this.wasm.prepareDeployment(initData)
    } catch (error) {
      return fail(`invalid WASM module: ${errorMessage(error)}`, to)
    }
    const deposit = BigInt(deployment.code.length) * WASM_CODE_DEPOSIT_GAS_PER_BYTE
    if (deposit > gasLimit) return fail('out of gas paying the WASM code deposit', to)
    await this.journal.putAccount(to, new Account(1n, (existing?.balance ?? 0n) + message.value))
    this.state.putCode(address, deployment.code, 'wasm')
    const logs: EthLog[] = []
    const ctx: WasmCallContext = {
      address,
      caller: toAddress(message.caller),
      origin: this._tx?.origin ? toAddress(this._tx.origin) : toAddress(message.caller),
      value: message.value,
      calldata: deployment.constructorArgs,
      gasLimit: gasLimit - deposit,
      isStatic: false,
      depth: message.depth,
      block: this.blockContext(),
    }
    let result: WasmResult
    try {
      result = await this.wasm.construct(deployment.code, ctx, this.createHost(ctx, message, logs))
    } catch (error) {
      result = engineFailure(error, ctx.gasLimit)
    }
    const execResult = this.toExecResult(message, result, logs, deposit)
    if (!execResult.exceptionError) execResult.returnValue = new Uint8Array(0)
    return { createdAddress: to, execResult }
  }

  /** The host services of one WASM call frame, over the shared journal. */
  private createHost(ctx: WasmCallContext, frame: Message, logs: EthLog[]): WasmHost {
    return new FrameHost(this, ctx, frame, logs)
  }

  /** @internal The host's cross-VM call (used by `FrameHost`). */
  async hostCall(
    ctx: WasmCallContext,
    frame: Message,
    logs: EthLog[],
    request: CrossCallRequest,
  ): Promise<CrossCallResult> {
    const failed = (reason: string): CrossCallResult => ({
      success: false,
      returnData: encodeErrorString(reason),
      gasUsed: 0n,
    })
    if (ctx.depth + 1 > MAX_CALL_DEPTH) return failed(`call depth limit of ${MAX_CALL_DEPTH} exceeded`)
    const target = request.to.toLowerCase() as Address
    const delegate = request.kind === 'delegatecall'
    const value = delegate ? ctx.value : request.value
    if (!delegate && value > 0n) {
      if (ctx.isStatic || request.kind === 'staticcall') return failed('value transfer in a static call')
      if ((this.state.getAccount(ctx.address)?.balance ?? 0n) < value) return failed('insufficient balance')
    }
    if (request.data.length > 0 && this.getPrecompile(createAddressFromString(target)) === undefined) {
      if (this.state.getCodeAt(target).length === 0) return failed(`call to non-contract ${target}`)
    }
    const message = new Message({
      caller: createAddressFromString(delegate ? ctx.caller : ctx.address),
      to: createAddressFromString(delegate ? ctx.address : target),
      codeAddress: createAddressFromString(target),
      value,
      data: request.data,
      gasLimit: request.gas,
      depth: ctx.depth + 1,
      isStatic: ctx.isStatic || request.kind === 'staticcall',
      delegatecall: delegate,
      selfdestruct: new Map(frame.selfdestruct),
      createdAddresses: new Set(frame.createdAddresses),
      gasRefund: frame.gasRefund,
    })
    this.journal.addWarmedAddress(hexToBytes(target))
    const result = await this.runCall({ message })
    const exec = result.execResult
    const success = exec.exceptionError === undefined
    if (success) {
      if (exec.logs) logs.push(...exec.logs)
      for (const [k, v] of message.selfdestruct ?? []) frame.selfdestruct?.set(k, v)
      for (const a of message.createdAddresses ?? []) frame.createdAddresses?.add(a)
      // SSTORE refunds earned by an EVM callee count for the whole transaction.
      frame.gasRefund = exec.gasRefund ?? frame.gasRefund
    }
    const returnData =
      success || exec.exceptionError?.error === EVMError.errorMessages.REVERT
        ? exec.returnValue
        : new Uint8Array(0)
    return { success, returnData, gasUsed: exec.executionGasUsed }
  }
}
