import type { Address, Hex } from 'viem'

/** Which VM runs an account's code. EOAs are `evm` with the empty code hash. */
export type VmKind = 'evm' | 'wasm'

/** keccak256 of empty code: the code hash of accounts without code. */
export const EMPTY_CODE_HASH: Hex = '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470'

/** The account fields both VMs share. */
export type AccountState = {
  nonce: bigint
  balance: bigint
  /** keccak256 of the code; keccak256('0x') for accounts without code. */
  codeHash: Hex
  vm: VmKind
}

/**
 * Read access to a committed state (owned by `dual-vm`'s executor contract,
 * implemented in memory by `dual-vm` and over SQLite by the node). Reads are
 * synchronous: the executor's hot path must not await per storage slot.
 * Addresses and slots are lower-case 0x hex; storage values are 32-byte hex.
 */
export interface StateView {
  getAccount(address: Address): AccountState | undefined
  getCode(codeHash: Hex): Uint8Array | undefined
  /** The 32-byte value of `slot`, zero when unset. */
  getStorage(address: Address, slot: Hex): Hex
}
