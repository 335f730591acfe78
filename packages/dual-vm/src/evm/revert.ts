import { EVMError, type ExecResult } from '@ethereumjs/evm'
import { concatHex, encodeAbiParameters, type Hex, hexToBytes } from 'viem'
import type { WasmResult } from '../wasm/types.js'

const ERROR_SELECTOR: Hex = '0x08c379a0'

/** Solidity's `Error(string)` revert data. */
export function encodeRevertReason(reason: string): Uint8Array {
  return hexToBytes(concatHex([ERROR_SELECTOR, encodeAbiParameters([{ type: 'string' }], [reason])]))
}

/** A reverted frame whose return data is `Error(reason)`. */
export function revertResult(reason: string, gasUsed: bigint): ExecResult {
  return {
    returnValue: encodeRevertReason(reason),
    exceptionError: new EVMError(EVMError.errorMessages.REVERT),
    executionGasUsed: gasUsed,
  }
}

/** The short message of anything thrown (viem/BaseError `shortMessage` first). */
export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object') {
    if ('shortMessage' in error && typeof error.shortMessage === 'string') return error.shortMessage
    if ('message' in error && typeof error.message === 'string') return error.message
  }
  return String(error)
}

/** An exception out of the engine (a bug or a host refusal) ends the call as a revert, never the executor. */
export function engineFailure(error: unknown, gasLimit: bigint): WasmResult {
  const reason = errorMessage(error)
  return { status: 'trap', returnData: encodeRevertReason(reason), gasUsed: gasLimit, error: reason }
}
