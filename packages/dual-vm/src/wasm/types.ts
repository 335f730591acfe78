import type { Address } from 'viem'

/**
 * The contract between the WASM runtime (validation, metering, instantiation,
 * host functions) and the EVM side of dual-vm (state, journal, cross-VM calls).
 * The EVM side implements `WasmHost`; the runtime implements `WasmEngine`.
 */

/** Everything a WASM call can see about its context (the `msg`/`block` of the SDK). */
export type WasmCallContext = {
  /** The contract being run (its storage is the one `sload`/`sstore` address). */
  address: Address
  caller: Address
  origin: Address
  value: bigint
  calldata: Uint8Array
  gasLimit: bigint
  /** STATICCALL context: `sstore`, logs and value-carrying calls must revert. */
  isStatic: boolean
  /** Call depth, 0 for the transaction's outermost call; at most 1024 like the EVM. */
  depth: number
  block: { number: bigint; timestamp: bigint; chainId: bigint; coinbase: Address; baseFeePerGas: bigint }
}

export type CrossCallRequest = {
  kind: 'call' | 'staticcall' | 'delegatecall'
  to: Address
  value: bigint
  data: Uint8Array
  /** Gas forwarded to the callee (the runtime applies the 63/64 rule before asking). */
  gas: bigint
}

export type CrossCallResult = { success: boolean; returnData: Uint8Array; gasUsed: bigint }

/**
 * Host services, implemented by the EVM side over the shared journaled state.
 * State access is synchronous (the WASM hot path never awaits); only calls
 * into other contracts, which may run the async EVM, are asynchronous.
 */
export interface WasmHost {
  /** 32-byte slot of the running contract's storage; zero-filled when unset. */
  sload(slot: Uint8Array): Uint8Array
  sstore(slot: Uint8Array, value: Uint8Array): void
  balance(address: Address): bigint
  emitLog(topics: readonly Uint8Array[], data: Uint8Array): void
  /** A call to any contract (EVM or WASM) or EOA; its writes are undone if it fails. */
  call(request: CrossCallRequest): Promise<CrossCallResult>
}

export type WasmExecStatus = 'success' | 'revert' | 'out-of-gas' | 'trap'

export type WasmResult = {
  status: WasmExecStatus
  /** Return data on success, revert data (Solidity `Error(string)` ABI) otherwise. */
  returnData: Uint8Array
  gasUsed: bigint
  /** Human-readable reason for anything but success, e.g. "out of gas", "memory limit exceeded". */
  error?: string
}

/** Result of preparing a contract-creation payload for storage. */
export type WasmDeployment = {
  /** Validated, gas-instrumented module: what the account's code holds. */
  code: Uint8Array
  /** ABI-encoded constructor arguments that followed the module in the envelope. */
  constructorArgs: Uint8Array
}

export interface WasmEngine {
  /** Validates and instruments init data that starts with `\0asm`; throws a `WasmValidationError` naming the problem. */
  prepareDeployment(initData: Uint8Array): WasmDeployment
  /** Runs the constructor (`deploy` export) of freshly prepared code. */
  construct(code: Uint8Array, ctx: WasmCallContext, host: WasmHost): Promise<WasmResult>
  /** Runs a call (`call` export) against stored, instrumented code. */
  call(code: Uint8Array, ctx: WasmCallContext, host: WasmHost): Promise<WasmResult>
}
