import { decodeErrorResult, type Hex, numberToHex } from 'viem'
import { RPCError, RPCErrorCode } from '../errors.js'

/** Revert → JSON-RPC error 3 with the revert data in `data` (what viem decodes custom errors from). */
export function revertError(returnData: Hex, error?: string): RPCError {
  let reason = ''
  if (returnData.length >= 10) {
    try {
      const d = decodeErrorResult({ data: returnData })
      if (d.errorName === 'Error') reason = `: ${String(d.args?.[0])}`
      else if (d.errorName === 'Panic') reason = `: panic code ${numberToHex(d.args?.[0] as bigint)}`
    } catch {
      // custom error: the client decodes `data` with its ABI
    }
  }
  if (error && error !== 'revert')
    return new RPCError(
      RPCErrorCode.server,
      error === 'out of gas' ? 'out of gas' : `execution failed: ${error}`,
      {
        data: returnData,
      },
    )
  return new RPCError(RPCErrorCode.executionReverted, `execution reverted${reason}`, {
    code: 'EXECUTION_REVERTED',
    data: returnData,
  })
}
