import { BaseError } from '@rollup-mesh/core'
import { describe, expect, it } from 'vitest'
import { RPCError, RPCErrorCode, TxRejectedError } from '../../src/errors.js'

describe('RPCError', () => {
  it('is an answer to a client: built without stack frames, the limit restored after', () => {
    const limit = Error.stackTraceLimit
    const err = new RPCError(RPCErrorCode.invalidParams, 'invalid argument 0: expected a 20-byte hex address')
    expect(err).toBeInstanceOf(BaseError)
    expect(err.rpcCode).toBe(-32602)
    expect(err.shortMessage).toBe('invalid argument 0: expected a 20-byte hex address')
    expect(err.stack).not.toMatch(/\n\s+at /)
    expect(new TxRejectedError('NONCE_TOO_LOW', 'nonce too low').stack).not.toMatch(/\n\s+at /)
    expect(Error.stackTraceLimit).toBe(limit)
    // other errors keep theirs
    expect(new BaseError('a fault').stack).toMatch(/\n\s+at /)
  })
})
