import type { BlockContext, CallResult, StateView } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'

/** What `eth_call`/`eth_estimateGas` run: a call over a state with no lasting effect (dual-vm's `simulateCall`). */
export type CallSimulator = (params: {
  header: BlockContext
  state: StateView
  from?: Address
  to?: Address | null
  data?: Hex
  value?: bigint
  gas?: bigint
}) => Promise<CallResult>
