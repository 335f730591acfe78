import type { BlockContext, ExecutableTx, StateView } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import { MAX_TX_GAS } from '../executor/transaction.js'

/** A call to run as a transaction (`debug_traceCall`, `eth_createAccessList`): no signature, no nonce. */
export type CallRequest = {
  from?: Address
  /** `null` or absent: a contract creation with `data` as init code. */
  to?: Address | null
  data?: Hex
  value?: bigint
  /** The transaction's gas limit (intrinsic gas included); default the block's gas limit, at most 2^24. */
  gas?: bigint
  /** Default 0: then the call pays no fee and BASEFEE reads 0, as geth runs calls (`NoBaseFee`). */
  gasPrice?: bigint
  accessList?: ExecutableTx['accessList']
}

const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000'
const ZERO_HASH: Hex = `0x${'00'.repeat(32)}`

/** The transaction (and block context) a call runs as: the sender's current nonce, its gas price, no hash. */
export function callAsTransaction(
  call: CallRequest,
  header: BlockContext,
  state: StateView,
): { tx: ExecutableTx; header: BlockContext } {
  const from = (call.from ?? ZERO_ADDRESS).toLowerCase() as Address
  const gasPrice = call.gasPrice ?? 0n
  let cap = MAX_TX_GAS
  if (header.gasLimit < cap) cap = header.gasLimit
  const tx: ExecutableTx = {
    hash: ZERO_HASH,
    from,
    type: call.accessList ? 'eip2930' : 'legacy',
    nonce: state.getAccount(from)?.nonce ?? 0n,
    to: call.to ? (call.to.toLowerCase() as Address) : null,
    value: call.value ?? 0n,
    data: call.data ?? '0x',
    gas: call.gas ?? cap,
    gasPrice,
    ...(call.accessList ? { accessList: call.accessList } : {}),
  }
  return { tx, header: gasPrice === 0n ? { ...header, baseFeePerGas: 0n } : header }
}
