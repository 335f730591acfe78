import { EVMError, type ExecResult } from '@ethereumjs/evm'
import { encodeErrorString } from '../wasm/errorString.js'
import type { WasmResult } from '../wasm/types.js'

/** A reverted frame whose return data is `Error(reason)`. */
export function revertResult(reason: string, gasUsed: bigint): ExecResult {
  return {
    returnValue: encodeErrorString(reason),
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
  return { status: 'trap', returnData: encodeErrorString(reason), gasUsed: gasLimit, error: reason }
}
