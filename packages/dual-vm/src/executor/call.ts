import { createAddressFromString } from '@ethereumjs/util'
import {
  type BlockContext,
  type CallResult,
  type ExecutableTx,
  type StateView,
  ZERO_WORD,
} from '@rollup-mesh/core'
import { type Address, bytesToHex, type Hex, hexToBytes } from 'viem'
import { DualVmEVM } from '../evm/dualEvm.js'
import type { CustomPrecompiles } from '../evm/precompiles.js'
import { JournaledState } from '../state/journal.js'
import type { WasmEngine } from '../wasm/types.js'
import { simulateOnFast } from './fastCall.js'
import { type EvmEngine, parseEvmEngine } from './fastPath.js'
import { blockHashLookup, toEthBlock } from './serial.js'
import { intrinsicGas, MAX_TX_GAS } from './transaction.js'

export type SimulateCallParameters = {
  header: BlockContext
  state: StateView
  from?: Address
  /** `null` or absent simulates a contract creation with `data` as init code. */
  to?: Address | null
  data?: Hex
  value?: bigint
  /** Gas for execution (no intrinsic gas is charged); default 30,000,000. */
  gas?: bigint
  wasm?: WasmEngine | undefined
  /** The chain's custom precompiles (as given to the serial executor). */
  precompiles?: CustomPrecompiles | undefined
  /**
   * The EVM engine (the node's executor's): `'fast'` runs the call on the synchronous interpreter, which
   * hands what it does not cover to ethereumjs as in a block. Default: the executors' default.
   */
  evm?: EvmEngine | undefined
}

/** core's `CallResult`: what chain's RPC reads from a simulation. */
export type SimulateCallResult = CallResult

/** A warm EVM for calls with one (chain id, WASM engine, precompiles); its journal is rebased per call. */
type WarmEvm = {
  evm: DualVmEVM
  journal: JournaledState
  chainId: bigint
  wasm: WasmEngine | undefined
  precompiles: CustomPrecompiles | undefined
  blockHash: ((number: bigint) => Hex | undefined) | undefined
  busy: boolean
}

/** Warm EVMs kept for `simulateCall` (building one costs ~0.4 ms); calls in flight at once each get their own. */
const MAX_WARM_EVMS = 8
const warmEvms: WarmEvm[] = []

/** A state with nothing in it: an idle warm EVM's journal overlays it so no caller's state is kept alive. */
const EMPTY_STATE: StateView = {
  getAccount: () => undefined,
  getCode: () => undefined,
  getStorage: () => ZERO_WORD,
}

function acquireEvm(params: SimulateCallParameters): WarmEvm {
  const chainId = params.header.chainId
  const wasm = params.wasm
  const precompiles = params.precompiles?.size ? params.precompiles : undefined
  let entry = warmEvms.find(
    (e) => !e.busy && e.chainId === chainId && e.wasm === wasm && e.precompiles === precompiles,
  )
  if (!entry) {
    const journal = new JournaledState(EMPTY_STATE)
    const created: WarmEvm = {
      journal,
      chainId,
      wasm,
      precompiles,
      blockHash: undefined,
      busy: false,
      evm: new DualVmEVM({
        chainId,
        state: journal,
        wasm,
        blockHash: (number) => created.blockHash?.(number),
        precompiles,
      }),
    }
    entry = created
    if (warmEvms.length >= MAX_WARM_EVMS) {
      const idle = warmEvms.findIndex((e) => !e.busy)
      if (idle >= 0) warmEvms.splice(idle, 1)
    }
    if (warmEvms.length < MAX_WARM_EVMS) warmEvms.push(entry)
  }
  entry.busy = true
  // Everything a fresh EVM would start with: an empty journal over this call's state, no warm addresses, no transient storage.
  entry.journal.rebase(params.state)
  entry.evm.journal.cleanJournal()
  entry.evm.transientStorage.clear()
  entry.blockHash = blockHashLookup(params.header)
  return entry
}

function releaseEvm(entry: WarmEvm, reusable: boolean): void {
  entry.journal.rebase(EMPTY_STATE)
  entry.blockHash = undefined
  entry.busy = false
  if (!reusable) {
    const index = warmEvms.indexOf(entry)
    if (index >= 0) warmEvms.splice(index, 1)
  }
}

/**
 * Runs a call against `state` without fees, nonce checks or any lasting write
 * (for `eth_call` and gas estimation). Both VMs are reachable as in a block.
 * The EVM is kept warm between calls (its journal is rebased over each call's
 * `state` and its access lists cleared), so consecutive calls are independent.
 *
 * @example
 * ```ts
 * import assert from 'node:assert'
 * import { compileSolidity, createMemoryState, simulateCall } from '@rollup-mesh/dual-vm'
 * import { decodeFunctionResult, encodeFunctionData } from 'viem'
 *
 * const { contracts } = await compileSolidity({
 *   sources: {
 *     'Answer.sol': 'pragma solidity ^0.8.0; contract Answer { function get() external pure returns (uint256) { return 42; } }',
 *   },
 * })
 * const { abi, deployedBytecode } = contracts.Answer
 * const answer = '0x00000000000000000000000000000000000a5e00'
 * const state = createMemoryState({ [answer]: { code: deployedBytecode } })
 * const header = {
 *   number: 1n,
 *   timestamp: 1_700_000_000n,
 *   coinbase: '0x000000000000000000000000000000000000c0de',
 *   baseFeePerGas: 1n,
 *   gasLimit: 30_000_000n,
 *   chainId: 1n,
 *   prevRandao: `0x${'00'.repeat(32)}`,
 * }
 * const result = await simulateCall({ header, state, to: answer, data: encodeFunctionData({ abi, functionName: 'get' }) })
 * assert.ok(result.success)
 * assert.equal(decodeFunctionResult({ abi, functionName: 'get', data: result.returnData }), 42n)
 * ```
 */
export async function simulateCall(params: SimulateCallParameters): Promise<SimulateCallResult> {
  const engine = parseEvmEngine(params.evm)
  const entry = acquireEvm(params)
  const evm = entry.evm
  const from = (params.from ?? '0x0000000000000000000000000000000000000000').toLowerCase()
  let result: Awaited<ReturnType<DualVmEVM['runCall']>>
  try {
    if (engine === 'fast') {
      const fast = simulateOnFast(evm, entry.journal, params, from as Address)
      if (fast) {
        releaseEvm(entry, true)
        return fast
      }
      // Handed to ethereumjs: start again from the call's state.
      entry.journal.rebase(params.state)
    }
    result = await evm.runCall({
      caller: createAddressFromString(from),
      origin: createAddressFromString(from),
      ...(params.to ? { to: createAddressFromString(params.to.toLowerCase()) } : {}),
      value: params.value ?? 0n,
      data: hexToBytes(params.data ?? '0x'),
      gasLimit: params.gas ?? 30_000_000n,
      gasPrice: 0n,
      block: toEthBlock(params.header),
      skipBalance: true,
      skipNonceIncrement: params.to !== null && params.to !== undefined,
    })
  } catch (error) {
    // A throw can leave the EVM's journals mid-call: never reuse it.
    releaseEvm(entry, false)
    throw error
  }
  releaseEvm(entry, true)
  const exec = result.execResult
  const success = exec.exceptionError === undefined
  return {
    success,
    returnData: bytesToHex(exec.returnValue),
    gasUsed: exec.executionGasUsed,
    logs: success
      ? (exec.logs ?? []).map(([address, topics, data]) => ({
          address: bytesToHex(address),
          topics: topics.map((t) => bytesToHex(t)),
          data: bytesToHex(data),
        }))
      : [],
    contractAddress: result.createdAddress ? (result.createdAddress.toString() as Address) : null,
    ...(exec.exceptionError ? { error: exec.exceptionError.error } : {}),
  }
}

export type EstimateGasResult =
  | { success: true; gas: bigint }
  | { success: false; returnData: Hex; error: string | undefined }

/**
 * The smallest transaction gas limit with which the call succeeds (intrinsic
 * gas and the EIP-7623 floor included), by binary search over
 * `simulateCall` (the 63/64 rule and refunds make the gas used a poor guess),
 * or why it fails even with the per-transaction cap.
 */
export async function estimateGas(
  params: SimulateCallParameters & { accessList?: ExecutableTx['accessList'] },
): Promise<EstimateGasResult> {
  const { intrinsic, floor } = intrinsicGas({
    to: params.to ?? null,
    data: params.data ?? '0x',
    ...(params.accessList ? { accessList: params.accessList } : {}),
  })
  const cap = (params.gas ?? MAX_TX_GAS) - intrinsic
  if (cap <= 0n) return { success: false, returnData: '0x', error: 'gas cap below the intrinsic gas' }
  const attempt = (gas: bigint) => simulateCall({ ...params, gas })
  const first = await attempt(cap)
  if (!first.success) return { success: false, returnData: first.returnData, error: first.error }
  let lo = first.gasUsed - 1n
  let hi = cap
  // Most calls succeed with what they used plus the 1/64 kept back at each call depth.
  const guess = first.gasUsed + first.gasUsed / 32n + 2_300n
  if (guess < hi && (await attempt(guess)).success) hi = guess
  while (hi - lo > 1n && hi - lo > hi / 1000n) {
    const mid = (lo + hi) / 2n
    if ((await attempt(mid)).success) hi = mid
    else lo = mid
  }
  // The EIP-7623 floor applies when calldata dominates.
  const gas = intrinsic + hi
  if (gas < floor) return { success: true, gas: floor }
  return { success: true, gas }
}
