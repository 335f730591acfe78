import type { ExecutableTx } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import type { StoredHeader } from '../block.js'
import { blockContextOf } from '../blockContext.js'
import type { Chain } from '../chain.js'
import { RPCError, RPCErrorCode } from '../errors.js'
import type { NodeTraceCall, NodeTracer } from '../node/vm.js'
import type { StoredTx } from '../storeTypes.js'
import { signedTxWithSender } from '../tx.js'
import { createBlockStateResolver } from './blockState.js'
import { type CallRequest, expectCount, paramBlock, paramCall, paramHex } from './params.js'
import { headerOfRef } from './readSource.js'
import type { RPCMethods } from './server.js'
import { traceRPCError } from './traceErrors.js'

/** A stored transaction as the executor ran it (a deposit with the nonce it used). */
function executableOf(chain: Chain, t: StoredTx): ExecutableTx {
  const tx = signedTxWithSender(t.raw, chain.chainId, t.from)
  if (t.depositNonce !== undefined) tx.nonce = t.depositNonce
  return tx
}

/** A call request as the tracer runs it: its gas price is the one it would pay in a block with `baseFee`. */
export function traceCallOf(call: CallRequest, baseFee: bigint): NodeTraceCall {
  let gasPrice = call.gasPrice
  if (gasPrice === undefined && call.maxFeePerGas !== undefined) {
    const tipped = baseFee + (call.maxPriorityFeePerGas ?? 0n)
    gasPrice = tipped < call.maxFeePerGas ? tipped : call.maxFeePerGas
  }
  return {
    ...(call.from ? { from: call.from } : {}),
    to: call.to ?? null,
    ...(call.data ? { data: call.data } : {}),
    ...(call.value !== undefined ? { value: call.value } : {}),
    ...(call.gas !== undefined ? { gas: call.gas } : {}),
    ...(gasPrice !== undefined ? { gasPrice } : {}),
  }
}

/**
 * geth's `debug_` tracing methods over a node's tracer: `debug_traceTransaction` (the block re-executed
 * over its parent's state up to the transaction), `debug_traceCall` (a call at any block the resolver
 * serves), `debug_traceBlockByNumber` / `debug_traceBlockByHash` (`[{ txHash, result }]`). Tracers: the
 * struct logger (default), `callTracer`, `prestateTracer`; JavaScript tracers are refused.
 *
 * @example
 * ```ts
 * // in a node's method table (chainNode.ts), when the VM can trace:
 * // ...(vm.tracer ? createDebugMethods(chain, vm.tracer) : {})
 * // then, over JSON-RPC:
 * // { "method": "debug_traceTransaction", "params": ["0x…hash", { "tracer": "callTracer" }] }
 * ```
 */
export function createDebugMethods(chain: Chain, tracer: NodeTracer): RPCMethods {
  const stateAt = createBlockStateResolver(chain)

  const traceTxs = async (h: StoredHeader, index: number | undefined, options: unknown) => {
    const txs = chain.store.getBlockTxs(h.number).map((t) => executableOf(chain, t))
    if (txs.length === 0) return []
    const parent = stateAt({ number: h.number - 1n }, 0)
    let traced: Awaited<ReturnType<NodeTracer['traceBlock']>>
    try {
      traced = await tracer.traceBlock({
        header: blockContextOf(chain, h),
        state: parent.state,
        txs,
        ...(index !== undefined ? { index } : {}),
        options,
      })
    } catch (error) {
      throw traceRPCError(error)
    }
    // The trace gives the thread back between transactions (blocks keep sealing meanwhile): if the parent's
    // state left the history window during it, what it read may be gone, so it is refused as if it had
    // started then (`HistoryWindowError`).
    chain.store.checkStateAvailable(h.number - 1n)
    return traced
  }

  const traceBlock = async (h: StoredHeader | undefined, options: unknown) => {
    if (!h) throw new RPCError(RPCErrorCode.server, 'block not found')
    if (h.number === 0n) throw new RPCError(RPCErrorCode.server, 'genesis is not traceable')
    return traceTxs(h, undefined, options)
  }

  return {
    debug_traceTransaction: async (params) => {
      expectCount(params, 1, 2)
      const hash = paramHex(params, 0, 32)
      const stored = chain.store.getTx(hash)
      if (!stored) throw new RPCError(RPCErrorCode.server, `transaction ${hash} not found`)
      const h = chain.store.getHeaderByNumber(stored.blockNumber) as StoredHeader
      const [traced] = await traceTxs(h, stored.index, params[1])
      return traced?.result
    },
    debug_traceCall: async (params) => {
      expectCount(params, 1, 3)
      const call = paramCall(params, 0)
      const at = stateAt(paramBlock(params, 1), 1)
      try {
        return await tracer.traceCall({
          header: at.context,
          state: at.state,
          call: traceCallOf(call, at.context.baseFeePerGas),
          options: params[2],
        })
      } catch (error) {
        throw traceRPCError(error)
      }
    },
    debug_traceBlockByNumber: async (params) => {
      expectCount(params, 1, 2)
      return traceBlock(headerOfRef(chain, paramBlock(params, 0)), params[1])
    },
    debug_traceBlockByHash: async (params) => {
      expectCount(params, 1, 2)
      return traceBlock(chain.store.getHeaderByHash(paramHex(params, 0, 32) as Hex), params[1])
    },
  }
}
