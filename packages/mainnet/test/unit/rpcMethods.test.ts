import { type Chain, RPCError, RPCErrorCode, type RPCMethod } from '@rollup-mesh/chain'
import { describe, expect, it } from 'vitest'
import type { HeaderGossip } from '../../src/headerGossip.js'
import { mainnetRPCMethods } from '../../src/rpcMethods.js'

// No chain behind: every call here must be refused on its params before anything is read.
const methods = mainnetRPCMethods({ chain: {} as Chain, gossip: {} as HeaderGossip })
const ctx = {} as Parameters<RPCMethod>[1]

describe("the main net's mesh_ methods", () => {
  it.each([
    ['mesh_getSignedHeader', ['12']],
    ['mesh_getSignedHeader', []],
    ['mesh_getSignedHeader', [12]],
    ['mesh_getRawTransaction', ['0xabcd']],
    ['mesh_getRawTransaction', [null]],
  ])('%s refuses %j as invalid params', async (method, params) => {
    const err = await Promise.resolve()
      .then(() => (methods[method] as RPCMethod)(params, ctx))
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RPCError)
    expect((err as RPCError).rpcCode).toBe(RPCErrorCode.invalidParams)
  })
})
