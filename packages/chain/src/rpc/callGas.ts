import type { CallResult } from '@rollup-mesh/core'
import type { Chain } from '../chain.js'
import { RPCError, RPCErrorCode } from '../errors.js'
import { minBig } from '../fees.js'
import { intrinsicGas } from '../tx.js'
import type { BlockState } from './blockState.js'
import type { CallRequest } from './params.js'
import { revertError } from './revert.js'

/** Runs `call` with `gas` execution gas at a block's state and context (what `eth_call` and `eth_estimateGas` run). */
export async function simulateRPCCall(
  chain: Chain,
  at: BlockState,
  call: CallRequest,
  gas: bigint,
): Promise<CallResult> {
  if (!chain.simulateCall) throw new RPCError(RPCErrorCode.server, 'this node cannot simulate calls')
  return chain.simulateCall({
    header: at.context,
    state: at.state,
    ...(call.from ? { from: call.from } : {}),
    to: call.to ?? null,
    data: call.data ?? '0x',
    value: call.value ?? 0n,
    gas,
  })
}

/** The intrinsic gas of a call request (what is charged before execution). */
export function callIntrinsicGas(call: CallRequest): bigint {
  return intrinsicGas({ to: call.to ?? null, data: call.data ?? '0x' })
}

/**
 * `eth_estimateGas` (at `at`): the smallest gas (intrinsic + execution) with which `call` succeeds, at most
 * `callGasCap`; a revert at the cap throws its `revertError`.
 */
export async function estimateCallGas(
  chain: Chain,
  at: BlockState,
  call: CallRequest,
  callGasCap: bigint,
): Promise<bigint> {
  const simulate = (c: CallRequest, gas: bigint) => simulateRPCCall(chain, at, c, gas)
  const intrinsic = callIntrinsicGas(call)
  const cap = minBig(call.gas ?? callGasCap, callGasCap)
  if (cap < intrinsic) throw new RPCError(RPCErrorCode.server, `gas required exceeds allowance (${cap})`)
  const first = await simulate(call, cap - intrinsic)
  if (!first.success) throw revertError(first.returnData, first.error)
  // Binary search the smallest execution gas that succeeds (the 63/64 rule can need more than gasUsed).
  let lo = first.gasUsed
  let hi = cap - intrinsic
  const tryLo = await simulate(call, lo)
  if (tryLo.success) return intrinsic + lo
  while (hi - lo > 1n && hi - lo > hi / 100n) {
    const mid = (lo + hi) / 2n
    if ((await simulate(call, mid)).success) hi = mid
    else lo = mid
  }
  return intrinsic + hi
}
