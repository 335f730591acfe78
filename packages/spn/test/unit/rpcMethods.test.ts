import { type Chain, RPCError, RPCErrorCode, type RPCMethod } from '@rollup-mesh/chain'
import { describe, expect, it } from 'vitest'
import { spnRPCMethods } from '../../src/rpcMethods.js'

// No chain behind: every call here must be refused on its params before anything is read.
const methods = spnRPCMethods({ chain: {} as Chain, exitTree: undefined, delivery: undefined })
const ctx = {} as Parameters<RPCMethod>[1]

function refusal(method: string, params: unknown[]): RPCError {
  try {
    ;(methods[method] as RPCMethod)(params, ctx)
  } catch (err) {
    expect(err).toBeInstanceOf(RPCError)
    return err as RPCError
  }
  throw new Error(`${method} accepted ${JSON.stringify(params)}`)
}

describe("the SPN's mesh_ methods", () => {
  it.each([
    ['mesh_getMessagesByTx', ['0x1234']],
    ['mesh_getMessagesByTx', []],
    ['mesh_getInbox', ['lost']],
    ['mesh_getExitProof', [-1]],
    ['mesh_getExitProof', ['0x01']],
    ['mesh_getExitProof', [0, 1.5]],
  ])('%s refuses %j as invalid params', (method, params) => {
    expect(refusal(method, params).rpcCode).toBe(RPCErrorCode.invalidParams)
  })

  it('takes an unfiltered or filtered inbox and an empty one without a delivery service', () => {
    expect(methods.mesh_getInbox?.([], ctx)).toEqual([])
    expect(methods.mesh_getInbox?.(['queued'], ctx)).toEqual([])
  })

  it('refuses an exit proof without an exit tree as invalid params', () => {
    expect(refusal('mesh_getExitProof', [0]).rpcCode).toBe(RPCErrorCode.invalidParams)
  })
})
