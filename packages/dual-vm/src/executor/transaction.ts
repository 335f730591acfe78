import { Account, createAddressFromString } from '@ethereumjs/util'
import {
  type BlockContext,
  EMPTY_CODE_HASH,
  type ExecutableTx,
  type Log,
  LogsBloom,
  type Receipt,
} from '@rollup-mesh/core'
import { type Address, getContractAddress } from 'viem'
import type { DualVmEVM } from '../evm/dualEvm.js'
import { bytesHex, hexToByteArray } from '../trace/hex.js'
import { isWasmInitCode } from '../wasm/initCode.js'
import { type FastBlock, sweepTouched, tryFastTransaction } from './fastPath.js'
import { addBloomValue } from './logsBloom.js'

/**
 * Transaction-level rules (Osaka), the part of ethereumjs's `runTx` that
 * @ethereumjs/evm leaves to its caller. Constants are the mainnet values.
 */
export const TX_GAS = 21_000n
export const TX_CREATE_GAS = 32_000n
export const TX_DATA_ZERO_GAS = 4n
export const TX_DATA_NONZERO_GAS = 16n
export const ACCESS_LIST_ADDRESS_GAS = 2_400n
export const ACCESS_LIST_SLOT_GAS = 1_900n
export const INIT_CODE_WORD_GAS = 2n
/** EIP-7623 calldata floor: 10 gas per token, a non-zero byte is 4 tokens. */
export const FLOOR_GAS_PER_TOKEN = 10n
/** EIP-7825 (Osaka) per-transaction gas cap. */
export const MAX_TX_GAS = 1n << 24n
/** EIP-3860 limit for EVM init code. */
export const MAX_EVM_INIT_CODE_SIZE = 49_152
/** Our limit for a WASM deployment payload (module + constructor envelope). */
export const MAX_WASM_INIT_CODE_SIZE = 256 * 1024
/** EIP-3529: refunds are capped at a fifth of the gas used. */
export const MAX_REFUND_QUOTIENT = 5n

export type IntrinsicGas = { intrinsic: bigint; floor: bigint }

export function intrinsicGas(tx: Pick<ExecutableTx, 'to' | 'data' | 'accessList'>): IntrinsicGas {
  // Counted on the hex digits (no byte array): a zero byte is a "00" pair.
  const hex = tx.data
  const length = (hex.length - 2) >>> 1
  let zeroCount = 0
  for (let i = 2; i < hex.length; i += 2)
    if (hex.charCodeAt(i) === 48 && hex.charCodeAt(i + 1) === 48) zeroCount++
  const zeros = BigInt(zeroCount)
  const nonZeros = BigInt(length - zeroCount)
  let intrinsic = TX_GAS + zeros * TX_DATA_ZERO_GAS + nonZeros * TX_DATA_NONZERO_GAS
  if (tx.to === null) intrinsic += TX_CREATE_GAS + ((BigInt(length) + 31n) / 32n) * INIT_CODE_WORD_GAS
  for (const entry of tx.accessList ?? []) {
    intrinsic += ACCESS_LIST_ADDRESS_GAS + BigInt(entry.storageKeys.length) * ACCESS_LIST_SLOT_GAS
  }
  const floor = TX_GAS + (zeros + nonZeros * 4n) * FLOOR_GAS_PER_TOKEN
  return { intrinsic, floor }
}

/** What a transaction's execution returned, before the transaction rules (refund cap, fees) apply. */
export type TxExecution = {
  /** `fast` when the fast engine ran it, `ethereumjs` otherwise (also on a fallback). */
  engine: EvmEngineName
  returnValue: Uint8Array
  executionGasUsed: bigint
  gasRefund: bigint
  /** ethereumjs's error text (`revert`, `out of gas`, ...), absent on success. */
  error: string | undefined
}
type EvmEngineName = 'fast' | 'ethereumjs'

/**
 * Test-only: sees every transaction's execution result (the differential fuzz compares return data and
 * refunds, which receipts do not carry). Unset in production: one property read per transaction.
 */
export const transactionTestHooks: { onExecution?: ((execution: TxExecution) => void) | undefined } = {}

export type TxOutcome =
  | { included: true; receipt: Receipt; bloom: LogsBloom }
  | { included: false; reason: string }

/** The effective gas price, or why the transaction cannot pay the block's base fee. */
function gasPriceOf(tx: ExecutableTx, baseFee: bigint): { price: bigint; maxPrice: bigint } | string {
  if (tx.type === 'eip1559') {
    const maxFee = tx.maxFeePerGas
    const maxTip = tx.maxPriorityFeePerGas
    if (maxFee === undefined || maxTip === undefined)
      return 'EIP-1559 transaction without maxFeePerGas/maxPriorityFeePerGas'
    if (maxTip > maxFee) return `maxPriorityFeePerGas ${maxTip} exceeds maxFeePerGas ${maxFee}`
    if (maxFee < baseFee) return `maxFeePerGas ${maxFee} is below the block's base fee ${baseFee}`
    const price = bigMin(baseFee + maxTip, maxFee)
    return { price, maxPrice: maxFee }
  }
  if (tx.gasPrice === undefined) return `${tx.type} transaction without gasPrice`
  if (tx.gasPrice < baseFee) return `gasPrice ${tx.gasPrice} is below the block's base fee ${baseFee}`
  return { price: tx.gasPrice, maxPrice: tx.gasPrice }
}

export type TxEnv = {
  evm: DualVmEVM
  header: BlockContext
  ethBlock: Parameters<DualVmEVM['runCall']>[0]['block']
  /** Gas still available in the block. */
  gasRemaining: bigint
  cumulativeGasUsed: bigint
  index: number
  /** Set when the executor runs the fast engine (`evm: 'fast'`); ethereumjs otherwise and on fallback. */
  fast?: FastBlock | undefined
}

/**
 * Validates and runs one transaction against the EVM's journaled state.
 * Validation failures are returned as `{ included: false, reason }` and leave
 * the state untouched; once a transaction runs, it is included whatever its
 * status (a revert keeps the nonce bump and the fee).
 */
export async function runTransaction(env: TxEnv, tx: ExecutableTx): Promise<TxOutcome> {
  const { evm, header } = env
  const state = evm.state
  const from = tx.from.toLowerCase() as Address
  const to = tx.to === null ? null : (tx.to.toLowerCase() as Address)
  const data = hexToByteArray(tx.data)

  if (tx.gas > env.gasRemaining)
    return skip(`gas limit ${tx.gas} exceeds the block's remaining gas ${env.gasRemaining}`)
  // EIP-7825 (Osaka) caps a transaction's gas; EIP-7623 (Prague) adds the calldata floor.
  const gasCapped = evm.common.isActivatedEIP(7825)
  const floored = evm.common.isActivatedEIP(7623)
  if (gasCapped && tx.gas > MAX_TX_GAS)
    return skip(`gas limit ${tx.gas} exceeds the per-transaction cap ${MAX_TX_GAS} (EIP-7825)`)
  // Deposits (OP Stack 0x7e) pay no fee: gas price 0, no base-fee burn, no tip, no balance check for gas.
  const deposit = tx.type === 'deposit'
  const pricing = deposit ? { price: 0n, maxPrice: 0n } : gasPriceOf(tx, header.baseFeePerGas)
  if (typeof pricing === 'string') return skip(pricing)
  const { intrinsic, floor } = intrinsicGas(tx)
  const required = floored ? bigMax(intrinsic, floor) : intrinsic
  if (tx.gas < required) return skip(`gas limit ${tx.gas} is below the intrinsic gas ${required}`)
  if (to === null) {
    const wasm = isWasmInitCode(data)
    const max = wasm ? MAX_WASM_INIT_CODE_SIZE : MAX_EVM_INIT_CODE_SIZE
    if (data.length > max)
      return skip(`${wasm ? 'WASM' : 'EVM'} init code of ${data.length} bytes exceeds ${max}`)
  }
  const sender = state.getAccount(from)
  const nonce = sender?.nonce ?? 0n
  const codeHash = sender?.codeHash ?? EMPTY_CODE_HASH
  const senderVm = sender?.vm ?? 'evm'
  const gasPrice = pricing.price
  if (deposit) {
    // No nonce check (tx.nonce is ignored), no EIP-3607: the mint is credited first and survives a revert.
    const minted = (sender?.balance ?? 0n) + (tx.mint ?? 0n)
    state.beginTransaction()
    if (minted < tx.value) {
      // op-geth: a deposit that cannot run is included as failed, using all its gas; mint and nonce stay.
      state.putAccount(from, { nonce: nonce + 1n, balance: minted, codeHash, vm: senderVm })
      return failedDeposit(env, tx, from, to, nonce)
    }
    state.putAccount(from, { nonce, balance: minted, codeHash, vm: senderVm })
  } else {
    if (tx.nonce !== nonce) return skip(`nonce ${tx.nonce} does not match the sender's nonce ${nonce}`)
    // An impersonated sender (dev networks) may be a contract, as on anvil.
    if (codeHash !== EMPTY_CODE_HASH && !tx.impersonated)
      return skip(`sender ${from} is a contract (EIP-3607)`)
    const balance = sender?.balance ?? 0n
    const upfront = tx.gas * pricing.maxPrice + tx.value
    if (balance < upfront)
      return skip(`insufficient funds: balance ${balance}, gas * price + value ${upfront}`)

    // Buy gas: the fee is taken before execution and survives a revert.
    state.beginTransaction()
    state.putAccount(from, { nonce, balance: balance - tx.gas * gasPrice, codeHash, vm: senderVm })
  }
  const vm = to === null ? (isWasmInitCode(data) ? 'wasm' : 'evm') : state.vmOf(to)

  const fastResult =
    env.fast && vm === 'evm' && !(to === null && isWasmInitCode(data))
      ? tryFastTransaction(env.fast, env, tx, from, to, data, tx.gas - intrinsic, gasPrice)
      : undefined
  const journal = evm.journal
  if (!fastResult) {
    journal.cleanJournal()
    journal.addAlwaysWarmAddress(from)
    if (to) journal.addAlwaysWarmAddress(to)
    journal.addAlwaysWarmAddress(header.coinbase.toLowerCase()) // EIP-3651
    for (const precompile of precompileAddresses(evm)) journal.addAlwaysWarmAddress(precompile)
    for (const entry of tx.accessList ?? []) {
      journal.addAlwaysWarmAddress(entry.address.toLowerCase())
      for (const slot of entry.storageKeys)
        journal.addAlwaysWarmSlot(entry.address.toLowerCase(), slot.toLowerCase())
    }
  }

  const result =
    fastResult ??
    (to !== null && vm === 'wasm' && env.ethBlock
      ? await evm.runWasmTransaction({
          caller: from,
          to,
          value: tx.value,
          data,
          gasLimit: tx.gas - intrinsic,
          gasPrice,
          block: env.ethBlock,
        })
      : await evm.runCall({
          caller: createAddressFromString(from),
          origin: createAddressFromString(from),
          ...(to ? { to: createAddressFromString(to) } : {}),
          value: tx.value,
          data,
          gasLimit: tx.gas - intrinsic,
          gasPrice,
          block: env.ethBlock,
        }))
  const exec = result.execResult
  const success = exec.exceptionError === undefined
  transactionTestHooks.onExecution?.({
    engine: fastResult ? 'fast' : 'ethereumjs',
    returnValue: exec.returnValue,
    executionGasUsed: exec.executionGasUsed,
    gasRefund: exec.gasRefund ?? 0n,
    error: exec.exceptionError?.error,
  })

  let gasUsed = intrinsic + exec.executionGasUsed
  const refund = success ? bigMin(exec.gasRefund ?? 0n, gasUsed / MAX_REFUND_QUOTIENT) : 0n
  gasUsed -= refund
  if (floored && gasUsed < floor) gasUsed = floor

  // Return unused gas to the sender, pay the tip to the coinbase (the base fee is burned).
  const after = state.getAccount(from)
  if (after) state.putAccount(from, { ...after, balance: after.balance + (tx.gas - gasUsed) * gasPrice })
  const tip = gasUsed * (gasPrice - header.baseFeePerGas)
  if (tip > 0n) {
    const coinbase = header.coinbase.toLowerCase() as Address
    if (fastResult) {
      const miner = state.getAccount(coinbase)
      state.putAccount(coinbase, {
        nonce: miner?.nonce ?? 0n,
        balance: (miner?.balance ?? 0n) + tip,
        codeHash: miner?.codeHash ?? EMPTY_CODE_HASH,
        vm: miner?.vm ?? 'evm',
      })
    } else {
      const miner = (await evm.stateManager.getAccount(createAddressFromString(coinbase))) ?? new Account()
      miner.balance += tip
      await evm.journal.putAccount(createAddressFromString(coinbase), miner)
    }
  }
  // EIP-6780: only contracts created in this transaction are deleted by SELFDESTRUCT.
  if (success && exec.selfdestruct) {
    for (const address of exec.selfdestruct.keys()) {
      if (exec.createdAddresses?.has(address)) state.putAccount(address.toLowerCase() as Address, null)
    }
  }
  // EIP-161: touched empty accounts are removed
  if (fastResult) sweepTouched(state, fastResult.touched)
  else await journal.cleanup()

  const logs: Log[] = []
  const bloom = new LogsBloom()
  if (success) {
    for (const [address, topics, logData] of exec.logs ?? []) {
      const log: Log = {
        // Buffer's native hex: viem's bytesToHex concatenates a string per byte (a quarter of an ERC20
        // transfer's allocations went there).
        address: bytesHex(address),
        topics: topics.map((t) => bytesHex(t)),
        data: bytesHex(logData),
      }
      logs.push(log)
      // From the bytes; the address and the event signature (topic 0) by a small cache of bit positions.
      addBloomValue(bloom.bits, address, log.address, true)
      for (let i = 0; i < topics.length; i++)
        addBloomValue(bloom.bits, topics[i] as Uint8Array, log.topics[i] as string, i === 0)
    }
  }
  const contractAddress =
    to === null
      ? ((result.createdAddress?.toString() as Address | undefined) ??
        (getContractAddress({ from, nonce }).toLowerCase() as Address))
      : null
  const receipt: Receipt = {
    transactionHash: tx.hash,
    transactionIndex: env.index,
    from,
    to,
    status: success ? 1 : 0,
    gasUsed,
    cumulativeGasUsed: env.cumulativeGasUsed + gasUsed,
    effectiveGasPrice: gasPrice,
    contractAddress,
    logs,
    logsBloom: bytesHex(bloom.bits), // not bloom.toHex(): viem's bytesToHex builds 256 strings
    revertData: success ? '0x' : bytesHex(exec.returnValue),
    vm,
  }
  if (deposit) receipt.depositNonce = nonce
  return { included: true, receipt, bloom }
}

/** The receipt of a deposit whose `value` exceeds `from`'s balance after the mint: failed, all gas used. */
function failedDeposit(
  env: TxEnv,
  tx: ExecutableTx,
  from: Address,
  to: Address | null,
  nonce: bigint,
): TxOutcome {
  const bloom = new LogsBloom()
  const receipt: Receipt = {
    transactionHash: tx.hash,
    transactionIndex: env.index,
    from,
    to,
    status: 0,
    gasUsed: tx.gas,
    cumulativeGasUsed: env.cumulativeGasUsed + tx.gas,
    effectiveGasPrice: 0n,
    contractAddress: to === null ? (getContractAddress({ from, nonce }).toLowerCase() as Address) : null,
    logs: [],
    logsBloom: bloom.toHex(),
    revertData: '0x',
    vm: to === null ? (isWasmInitCode(hexToByteArray(tx.data)) ? 'wasm' : 'evm') : env.evm.state.vmOf(to),
    depositNonce: nonce,
  }
  return { included: true, receipt, bloom }
}

const precompiles = new WeakMap<DualVmEVM, string[]>()
function precompileAddresses(evm: DualVmEVM): string[] {
  let list = precompiles.get(evm)
  if (!list) {
    list = evm.precompileAddresses()
    precompiles.set(evm, list)
  }
  return list
}

function skip(reason: string): TxOutcome {
  return { included: false, reason }
}

function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b
}

function bigMin(a: bigint, b: bigint): bigint {
  return a < b ? a : b
}
