import { createAddressFromString } from '@ethereumjs/util'
import type { BlockContext, Log, StateView } from '@rollup-mesh/core'
import { type Address, bytesToHex, type Hex, hexToBytes } from 'viem'
import { DualVmEVM } from '../evm/dualEvm.js'
import { JournaledState } from '../state/journal.js'
import type { WasmEngine } from '../wasm/types.js'
import { blockHashLookup, toEthBlock } from './serial.js'

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
}

export type SimulateCallResult = {
  success: boolean
  /** Return data, or revert data when `success` is false. */
  returnData: Hex
  /** Execution gas (without the transaction's intrinsic gas). */
  gasUsed: bigint
  logs: Log[]
  /** Set for creations. */
  contractAddress: Address | null
  /** The ethereumjs exception name (`revert`, `out of gas`, ...) when it failed. */
  error?: string
}

/**
 * Runs a call against `state` without fees, nonce checks or any lasting write
 * (for `eth_call` and gas estimation). Both VMs are reachable as in a block.
 */
export async function simulateCall(params: SimulateCallParameters): Promise<SimulateCallResult> {
  const journal = new JournaledState(params.state)
  const evm = new DualVmEVM({
    chainId: params.header.chainId,
    state: journal,
    wasm: params.wasm,
    blockHash: blockHashLookup(params.header),
  })
  const from = (params.from ?? '0x0000000000000000000000000000000000000000').toLowerCase()
  const result = await evm.runCall({
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
