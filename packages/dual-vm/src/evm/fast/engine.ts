import type { Common } from '@ethereumjs/common'
import { EVMError, type PrecompileFunc } from '@ethereumjs/evm'
import { EMPTY_CODE_HASH } from '@rollup-mesh/core'
import { type Address, getContractAddress, type Hex } from 'viem'
import type { JournaledState } from '../../state/journal.js'
import { collides } from './calls.js'
import { CREATE_COLLISION } from './errors.js'
import type { FrameResult } from './frame.js'
import type { FastBlockEnv, FastContext } from './host.js'
import { executeCall, executeCreate } from './message.js'
import { type LogTuple, Substate } from './substate.js'

/** What the fast engine needs from the executor's EVM, once per block. */
export type FastEngineConfig = {
  state: JournaledState
  common: Common
  precompiles: ReadonlyMap<string, PrecompileFunc>
  /** Handed to precompiles as `_EVM` (BN254 backend, the block for custom precompiles). */
  precompileEVM: unknown
}

/** One transaction's top-level call or creation, after the executor validated it and bought its gas. */
export type FastTransaction = {
  from: Address
  to: Address | null
  value: bigint
  data: Uint8Array
  /** Gas for execution (the limit less intrinsic gas). */
  gas: number
  /** Warm from the start (EIP-2929/2930/3651): sender, recipient, coinbase, precompiles, access list. */
  warmAddresses: Iterable<string>
  warmSlots: Iterable<[Address, Hex]>
  /** Warm as well, shared between transactions (the block's precompiles); not copied per transaction. */
  alwaysWarm?: ReadonlySet<string> | undefined
  /**
   * Whether the sender's nonce goes up before the call (a transaction; `eth_call`'s creations). `eth_call`
   * leaves it alone for calls, as ethereumjs's `skipNonceIncrement`. Default true.
   */
  bumpNonce?: boolean
}

/** The result in the shape of ethereumjs's `execResult` (what the executor's receipt code reads), plus the EIP-161 sweep list. */
export type FastTransactionResult = {
  execResult: {
    returnValue: Uint8Array
    executionGasUsed: bigint
    gasRefund: bigint
    exceptionError?: EVMError
    logs: LogTuple[]
    selfdestruct: Map<Hex, Hex>
    createdAddresses: Set<Hex>
  }
  createdAddress: Address | undefined
  /** Touched accounts: the executor deletes those left empty (after paying the tip). */
  touched: ReadonlySet<string>
}

/**
 * Runs a transaction's execution on the fast interpreter, synchronously, over the executor's journal:
 * the sender's nonce is bumped outside the frame (it survives a revert), the call or creation runs in its
 * own checkpoint. Throws `FastEVMFallbackError` when the transaction needs something the engine leaves to
 * ethereumjs; the caller then reverts the journal to where this began and reruns it there.
 */
export function runFastTransaction(
  config: FastEngineConfig,
  env: FastBlockEnv,
  tx: FastTransaction,
): FastTransactionResult {
  const sub = new Substate(tx.alwaysWarm)
  const ctx: FastContext = {
    state: config.state,
    sub,
    env,
    precompiles: config.precompiles,
    precompileEVM: config.precompileEVM,
    common: config.common,
    clz: config.common.isActivatedEIP(7939),
    delegation: config.common.isActivatedEIP(7702),
  }
  for (const address of tx.warmAddresses) sub.warmAddress(address)
  for (const [address, slot] of tx.warmSlots) sub.warmSlot(address, slot)
  const state = config.state
  const sender = state.getAccount(tx.from)
  const nonce = sender?.nonce ?? 0n
  // An absent sender (only `eth_call` has one) gets an account with the bumped nonce, as in ethereumjs.
  if (tx.bumpNonce !== false)
    state.putAccount(tx.from, {
      ...(sender ?? { balance: 0n, codeHash: EMPTY_CODE_HASH, vm: 'evm' as const }),
      nonce: nonce + 1n,
    })
  sub.touch(tx.from)
  let result: FrameResult
  let createdAddress: Address | undefined
  const message = {
    caller: tx.from,
    value: tx.value,
    data: tx.data,
    gas: tx.gas,
    depth: 0,
    isStatic: false,
    transfer: true,
  }
  if (tx.to !== null) {
    result = executeCall(ctx, { ...message, to: tx.to, codeAddress: tx.to })
  } else {
    createdAddress = getContractAddress({ from: tx.from, nonce }).toLowerCase() as Address
    sub.warmAddress(createdAddress)
    result = collides(ctx, createdAddress)
      ? { status: 'halt', gasLeft: 0, output: new Uint8Array(0), halt: CREATE_COLLISION }
      : executeCreate(ctx, { ...message, to: createdAddress, codeAddress: createdAddress })
  }
  const success = result.status === 'success'
  const selfdestruct = new Map<Hex, Hex>()
  if (success) for (const a of sub.selfdestructs) selfdestruct.set(a as Hex, a as Hex)
  return {
    execResult: {
      // A creation answers with the code it deployed, as ethereumjs's `returnValue` does.
      returnValue:
        success && createdAddress !== undefined
          ? state.getCodeAt(createdAddress)
          : result.status === 'halt'
            ? new Uint8Array(0)
            : result.output,
      executionGasUsed: BigInt(tx.gas - result.gasLeft),
      gasRefund: success ? BigInt(sub.refund) : 0n,
      ...(success
        ? {}
        : {
            exceptionError:
              result.status === 'revert'
                ? new EVMError(EVMError.errorMessages.REVERT)
                : (result.halt ?? CREATE_COLLISION).toEVMError(),
          }),
      logs: success ? sub.logs : [],
      selfdestruct,
      createdAddresses: sub.created as Set<Hex>,
    },
    createdAddress,
    touched: sub.touched,
  }
}
