import { type Address, type Hex, isAddress, numberToHex } from 'viem'
import type { Chain } from '../chain.js'
import { RPCError, RPCErrorCode } from '../errors.js'
import type { NodeTraceCall, NodeTracer } from '../node/vm.js'
import { createBlockStateResolver } from './blockState.js'
import { traceCallOf } from './debug.js'
import { expectCount, paramBlock, paramCall } from './params.js'
import type { RPCMethods } from './server.js'
import { traceRPCError } from './traceErrors.js'

/** The `accessList` field of a call object (EIP-2930 shape), checked. */
export function paramAccessList(params: readonly unknown[], i: number): NodeTraceCall['accessList'] {
  const call = params[i] as Record<string, unknown> | undefined
  const list = call?.accessList
  if (list === undefined || list === null) return undefined
  const bad = () =>
    new RPCError(
      RPCErrorCode.invalidParams,
      `invalid argument ${i}: field "accessList" must be an array of { address, storageKeys: 32-byte hex[] }`,
    )
  if (!Array.isArray(list)) throw bad()
  return list.map((entry: unknown) => {
    const e = entry as { address?: unknown; storageKeys?: unknown }
    if (
      typeof e !== 'object' ||
      e === null ||
      typeof e.address !== 'string' ||
      !isAddress(e.address, { strict: false })
    )
      throw bad()
    const keys = e.storageKeys ?? []
    if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(k)))
      throw bad()
    return {
      address: e.address.toLowerCase() as Address,
      storageKeys: (keys as string[]).map((k) => k.toLowerCase() as Hex),
    }
  })
}

/**
 * `eth_createAccessList(call, block = pending)`: the access list the call would use and its gas with that
 * list (geth's and anvil's `{ accessList, gasUsed }`, plus `error` when the call fails), run at the
 * block through the resolver.
 *
 * @example
 * ```ts
 * // registered by the node when its VM can trace: ...(vm.tracer ? createAccessListMethods(chain, vm.tracer) : {})
 * // { "method": "eth_createAccessList", "params": [{ "from": "0x…", "to": "0x…", "data": "0x…" }, "latest"] }
 * // → { "accessList": [{ "address": "0x…", "storageKeys": ["0x…"] }], "gasUsed": "0x9c75" }
 * ```
 */
export function createAccessListMethods(chain: Chain, tracer: NodeTracer): RPCMethods {
  const stateAt = createBlockStateResolver(chain)
  return {
    eth_createAccessList: async (params) => {
      expectCount(params, 1, 2)
      const call = paramCall(params, 0)
      const accessList = paramAccessList(params, 0)
      const at = stateAt(params[1] === undefined ? { tag: 'pending' } : paramBlock(params, 1), 1)
      let result: Awaited<ReturnType<NodeTracer['createAccessList']>>
      try {
        result = await tracer.createAccessList({
          header: at.context,
          state: at.state,
          call: { ...traceCallOf(call, at.context.baseFeePerGas), ...(accessList ? { accessList } : {}) },
        })
      } catch (error) {
        throw traceRPCError(error)
      }
      return {
        accessList: result.accessList,
        gasUsed: numberToHex(result.gasUsed),
        ...(result.error !== undefined ? { error: result.error } : {}),
      }
    },
  }
}
