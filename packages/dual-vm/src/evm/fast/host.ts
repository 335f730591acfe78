import type { Common } from '@ethereumjs/common'
import type { PrecompileFunc } from '@ethereumjs/evm'
import { type AccountState, EMPTY_CODE_HASH } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import type { JournaledState } from '../../state/journal.js'
import { FastEVMFallbackError } from './errors.js'
import type { Substate } from './substate.js'

/** The block and transaction context the environment opcodes read. */
export type FastBlockEnv = {
  origin: Address
  gasPrice: bigint
  coinbase: Address
  number: bigint
  timestamp: bigint
  gasLimit: bigint
  baseFee: bigint
  prevRandao: bigint
  chainId: bigint
  blobBaseFee: bigint
  /** BLOCKHASH within the last 256 blocks (undefined reads as zero). */
  blockHash: (number: bigint) => Hex | undefined
}

/** Everything a frame reaches besides its own stack and memory: one per transaction. */
export type FastContext = {
  state: JournaledState
  sub: Substate
  env: FastBlockEnv
  /** Active precompiles by address (ethereumjs's implementations, custom ones included). */
  precompiles: ReadonlyMap<string, PrecompileFunc>
  /** The ethereumjs EVM the precompiles are handed (`_EVM`): BN254 backend, KZG, block timestamp. */
  precompileEVM: unknown
  common: Common
  /** EIP-7939 (Osaka): the CLZ opcode. */
  clz: boolean
  /** EIP-7702 (Prague): delegation designators, which the fast engine leaves to ethereumjs. */
  delegation: boolean
}

const MASK_160 = (1n << 160n) - 1n

/** The low 160 bits of a stack value as a lower-case address. */
export function toAddress(value: bigint): Address {
  return `0x${(value & MASK_160).toString(16).padStart(40, '0')}`
}

/** A stack value as a storage key (32-byte lower-case hex). */
export function toSlot(value: bigint): Hex {
  return `0x${value.toString(16).padStart(64, '0')}`
}

/** EIP-161: absent, or no nonce, no balance and no code. */
export function isDead(state: JournaledState, address: Address): boolean {
  const a = state.getAccount(address)
  return a === undefined || (a.nonce === 0n && a.balance === 0n && a.codeHash === EMPTY_CODE_HASH)
}

export function balanceOf(state: JournaledState, address: Address): bigint {
  return state.getAccount(address)?.balance ?? 0n
}

/** The code an address runs and its hash; an EIP-7702 delegation or a WASM account falls back to ethereumjs. */
export function codeOf(ctx: FastContext, address: Address): { code: Uint8Array; hash: Hex } {
  const account = ctx.state.getAccount(address)
  if (!account || account.codeHash === EMPTY_CODE_HASH) return { code: EMPTY, hash: EMPTY_CODE_HASH }
  if (account.vm === 'wasm') throw new FastEVMFallbackError(`a call into the WASM account ${address}`)
  const code = ctx.state.getCode(account.codeHash) ?? EMPTY
  if (ctx.delegation && code[0] === 0xef && code[1] === 0x01)
    throw new FastEVMFallbackError(`the EIP-7702 delegation at ${address}`)
  return { code, hash: account.codeHash }
}

const EMPTY = new Uint8Array(0)

/** Adds `amount` to a balance; adding zero to an absent account creates nothing (it would be swept as empty). */
export function addBalance(state: JournaledState, address: Address, amount: bigint): void {
  const a = state.getAccount(address)
  if (!a) {
    if (amount === 0n) return
    state.putAccount(address, { nonce: 0n, balance: amount, codeHash: EMPTY_CODE_HASH, vm: 'evm' })
    return
  }
  if (amount === 0n) return
  state.putAccount(address, { ...a, balance: a.balance + amount })
}

/** Subtracts `amount` from a balance the caller checked covers it. */
export function subBalance(state: JournaledState, address: Address, amount: bigint): void {
  if (amount === 0n) return
  const a = state.getAccount(address) as AccountState
  state.putAccount(address, { ...a, balance: a.balance - amount })
}

/** Moves value between accounts (checked by the caller); both are touched. */
export function transfer(ctx: FastContext, from: Address, to: Address, amount: bigint): void {
  subBalance(ctx.state, from, amount)
  addBalance(ctx.state, to, amount)
}
