import type { Address, Hex } from 'viem'
import type { AccountState, StateView } from './state.js'

/**
 * The contract between the node (which decodes, recovers and orders
 * transactions, and stores blocks) and `dual-vm`'s executors (which run them).
 */

/** The part of a block header execution depends on. */
export type BlockContext = {
  number: bigint
  timestamp: bigint
  coinbase: Address
  baseFeePerGas: bigint
  gasLimit: bigint
  chainId: bigint
  prevRandao: Hex
  /** Hashes of recent blocks for BLOCKHASH, newest last; may be empty. */
  recentHashes?: readonly Hex[]
}

/**
 * A signed transaction after decoding and sender recovery (the node checks signature and chain id), or a
 * deposit (`type: 'deposit'`, OP Stack's 0x7e system transaction) that the block producer places at the
 * start of a block. A deposit carries no signature and pays no fee:
 * - `mint` wei are credited to `from` before execution and stay credited even when the call reverts;
 * - `nonce` is ignored (never checked), but `from`'s nonce is bumped as for any transaction;
 * - gas price is 0 (no base-fee burn, no tip, no balance check for gas), `from` may hold code (no EIP-3607);
 * - intrinsic gas is still required and the gas counts toward the block's gas;
 * - a deposit whose `value` exceeds `from`'s balance after the mint is included as failed, using all its gas.
 * `sourceHash` (OP's sourceHash) makes every deposit unique, so two deposits never share a hash.
 */
export type ExecutableTx = {
  hash: Hex
  from: Address
  type: 'legacy' | 'eip2930' | 'eip1559' | 'deposit'
  /** Ignored for deposits (the sender's current nonce is used and bumped). */
  nonce: bigint
  /** `null` for contract creation. */
  to: Address | null
  value: bigint
  data: Hex
  gas: bigint
  /** Legacy and EIP-2930. */
  gasPrice?: bigint
  /** EIP-1559. */
  maxFeePerGas?: bigint
  maxPriorityFeePerGas?: bigint
  accessList?: readonly { address: Address; storageKeys: readonly Hex[] }[]
  /** Deposits: wei credited to `from` before execution (persists on revert). */
  mint?: bigint
  /** Deposits: the unique id of the deposit (OP Stack's sourceHash). */
  sourceHash?: Hex
  /**
   * Sent unsigned as `from` on a dev network (anvil's impersonation): run like any transaction from `from`
   * except that EIP-3607 does not apply (a contract account may send, as on anvil).
   */
  impersonated?: boolean
}

export type Log = { address: Address; topics: Hex[]; data: Hex }

export type Receipt = {
  transactionHash: Hex
  transactionIndex: number
  from: Address
  to: Address | null
  /** 1 success, 0 revert/failure. */
  status: 0 | 1
  gasUsed: bigint
  cumulativeGasUsed: bigint
  effectiveGasPrice: bigint
  contractAddress: Address | null
  logs: Log[]
  logsBloom: Hex
  /** Revert data of a failed transaction (`0x` when none); not part of Ethereum's receipt encoding. */
  revertData: Hex
  /** Which VM ran the outermost call. */
  vm: 'evm' | 'wasm'
  /** Deposits only: `from`'s nonce before the deposit bumped it (op-geth's `depositNonce`). */
  depositNonce?: bigint
}

/**
 * What a block changed: the final value of every touched account (null when
 * deleted), every written storage slot (zero value = cleared) and new code by hash.
 */
export type WriteSet = {
  accounts: Map<Address, AccountState | null>
  storage: Map<Address, Map<Hex, Hex>>
  code: Map<Hex, Uint8Array>
}

/** A transaction the executor refused before running it (bad nonce, balance, gas); it is left out of the block. */
export type SkippedTx = { hash: Hex; reason: string }

export type BlockExecutionResult = {
  receipts: Receipt[]
  /** Transactions actually included, in order (those not skipped). */
  included: ExecutableTx[]
  skipped: SkippedTx[]
  gasUsed: bigint
  logsBloom: Hex
  writeSet: WriteSet
  /** Commitment over all accounts and storage after the block. */
  stateRoot: Hex
}

/** Executes blocks over a committed state; serial and parallel executors implement it. */
export interface Executor {
  executeBlock(
    block: { header: BlockContext; txs: readonly ExecutableTx[] },
    state: StateView,
  ): Promise<BlockExecutionResult>
  /** What the last block cost, in the executor's own terms (logged with each block; JSON-friendly). */
  readonly stats?: object | undefined
}

/**
 * The outcome of a call simulated against a state (`eth_call`, `eth_estimateGas`): dual-vm's `simulateCall`
 * produces it, chain's RPC consumes it.
 */
export type CallResult = {
  success: boolean
  /** Return data, or revert data when `success` is false. */
  returnData: Hex
  /** Execution gas (without the transaction's intrinsic gas). */
  gasUsed: bigint
  logs: Log[]
  /** Set for creations. */
  contractAddress: Address | null
  /** The ethereumjs exception name (`revert`, `out of gas`, ...) when it failed. */
  error?: string
}
