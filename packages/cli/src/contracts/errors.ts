import { BaseError } from '@rollup-mesh/core'
import { ContractFunctionRevertedError, decodeErrorResult, type Hex, BaseError as ViemBaseError } from 'viem'
import { MeshCliError } from '../errors.js'

function findRevertData(err: unknown): Hex | undefined {
  let e: unknown = err
  for (let i = 0; i < 12 && e; i++) {
    const data = (e as { data?: unknown }).data
    if (typeof data === 'string' && data.startsWith('0x')) return data as Hex
    if (data && typeof data === 'object' && typeof (data as { data?: unknown }).data === 'string')
      return (data as { data: Hex }).data
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/** Turns what viem throws for a call or transaction into a message a person can act on. */
export function explainCallError(err: unknown, what: string): BaseError {
  if (err instanceof BaseError) return err
  if (err instanceof ViemBaseError) {
    const reverted = err.walk(
      (e) => e instanceof ContractFunctionRevertedError,
    ) as ContractFunctionRevertedError | null
    let reason = reverted?.reason
    if (!reason) {
      const data = findRevertData(err)
      if (data && data.length > 2) {
        try {
          const decoded = decodeErrorResult({ abi: [], data })
          reason = decoded.args?.length ? String(decoded.args[0]) : decoded.errorName
        } catch {
          reason = `custom error ${data.slice(0, 10)}`
        }
      }
    }
    if (reverted || reason || /revert/i.test(err.shortMessage)) {
      return new MeshCliError(`${what} reverted${reason ? `: ${reason}` : ' without a reason'}.`, {
        code: 'REVERTED',
      })
    }
    return new MeshCliError(`${what} failed: ${err.shortMessage}`, {
      code: 'CALL_FAILED',
      details: err.details,
    })
  }
  return new MeshCliError(`${what} failed: ${(err as Error)?.message?.split('\n')[0] ?? String(err)}`, {
    code: 'CALL_FAILED',
  })
}
