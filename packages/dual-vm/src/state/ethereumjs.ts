import type { AccountFields, StateManagerInterface } from '@ethereumjs/common'
import { Account, type Address as EthAddress, setLengthLeft } from '@ethereumjs/util'
import { BaseError, EMPTY_CODE_HASH } from '@rollup-mesh/core'
import { type Address, bytesToHex, hexToBytes } from 'viem'
import type { JournaledState } from './journal.js'

/** ethereumjs's state-manager calls that a flat, trie-less state cannot serve. */
export class UnsupportedStateOperationError extends BaseError {
  constructor(operation: string) {
    super(`State operation "${operation}" is not supported by the flat dual-vm state.`, {
      code: 'STATE_OPERATION_UNSUPPORTED',
      name: 'UnsupportedStateOperationError',
      metaMessages: ['- The state root is the LtHash commitment computed by the executor, not a trie root.'],
    })
  }
}

const key = (address: EthAddress): Address => address.toString() as Address

/** Code hashes repeat (every call to a contract reads the same one): keep their bytes. */
const codeHashBytes = new Map<string, Uint8Array>()
function codeHashToBytes(hash: string): Uint8Array {
  let bytes = codeHashBytes.get(hash)
  if (!bytes) {
    if (codeHashBytes.size > 10_000) codeHashBytes.clear()
    bytes = hexToBytes(hash as `0x${string}`)
    codeHashBytes.set(hash, bytes)
  }
  return bytes
}

/** Any root but the empty trie's: the flat state keeps no storage tries (see `getAccount`). */
const NON_EMPTY_STORAGE_ROOT = new Uint8Array(32).fill(1)

const word = (bytes: Uint8Array): `0x${string}` =>
  bytesToHex(bytes.length === 32 ? bytes : setLengthLeft(bytes, 32))

/**
 * `StateManagerInterface` of @ethereumjs/common over a `JournaledState`, so
 * @ethereumjs/evm runs against the same flat overlay the WASM host uses. The
 * VM tag of an account is kept across ethereumjs's `putAccount` calls (its
 * `Account` has no such field); code put by the EVM is tagged `evm`.
 */
export class EthereumJSStateManager implements StateManagerInterface {
  readonly state: JournaledState
  readonly originalStorageCache: StateManagerInterface['originalStorageCache']

  constructor(state: JournaledState) {
    this.state = state
    this.originalStorageCache = {
      get: async (address: EthAddress, slot: Uint8Array) =>
        hexToBytes(state.getOriginalStorage(key(address), bytesToHex(slot))),
      clear: () => {},
    }
  }

  async getAccount(address: EthAddress): Promise<Account | undefined> {
    const account = this.state.getAccount(key(address))
    if (!account) return undefined
    // EIP-7610: only the collision check reads the storage root; a placeholder stands for "not empty".
    const storageRoot =
      account.nonce === 0n && account.codeHash === EMPTY_CODE_HASH && this.state.hasStorage(key(address))
        ? NON_EMPTY_STORAGE_ROOT
        : undefined
    return new Account(account.nonce, account.balance, storageRoot, codeHashToBytes(account.codeHash))
  }

  async putAccount(address: EthAddress, account?: Account): Promise<void> {
    const k = key(address)
    if (account === undefined) {
      this.state.putAccount(k, null)
      return
    }
    const codeHash = bytesToHex(account.codeHash)
    const before = this.state.getAccount(k)
    const vm = before && before.codeHash === codeHash ? before.vm : 'evm'
    this.state.putAccount(k, { nonce: account.nonce, balance: account.balance, codeHash, vm })
  }

  async deleteAccount(address: EthAddress): Promise<void> {
    this.state.putAccount(key(address), null)
  }

  async modifyAccountFields(address: EthAddress, fields: AccountFields): Promise<void> {
    const k = key(address)
    const before = this.state.getAccount(k) ?? {
      nonce: 0n,
      balance: 0n,
      codeHash: EMPTY_CODE_HASH,
      vm: 'evm',
    }
    const codeHash = fields.codeHash ? bytesToHex(fields.codeHash) : before.codeHash
    this.state.putAccount(k, {
      nonce: fields.nonce ?? before.nonce,
      balance: fields.balance ?? before.balance,
      codeHash,
      vm: codeHash === before.codeHash ? before.vm : 'evm',
    })
  }

  async putCode(address: EthAddress, code: Uint8Array): Promise<void> {
    this.state.putCode(key(address), code, 'evm')
  }

  async getCode(address: EthAddress): Promise<Uint8Array> {
    return this.state.getCodeAt(key(address))
  }

  async getCodeSize(address: EthAddress): Promise<number> {
    return this.state.getCodeAt(key(address)).length
  }

  async getStorage(address: EthAddress, slot: Uint8Array): Promise<Uint8Array> {
    return hexToBytes(this.state.getStorage(key(address), word(slot)))
  }

  async putStorage(address: EthAddress, slot: Uint8Array, value: Uint8Array): Promise<void> {
    this.state.putStorage(
      key(address),
      bytesToHex(setLengthLeft(slot, 32)),
      bytesToHex(setLengthLeft(value, 32)),
    )
  }

  async clearStorage(address: EthAddress): Promise<void> {
    this.state.clearStorage(key(address))
  }

  async checkpoint(): Promise<void> {
    this.state.checkpoint()
  }

  async commit(): Promise<void> {
    this.state.commit()
  }

  async revert(): Promise<void> {
    this.state.revert()
  }

  async getStateRoot(): Promise<Uint8Array> {
    throw new UnsupportedStateOperationError('getStateRoot')
  }

  async setStateRoot(): Promise<void> {
    throw new UnsupportedStateOperationError('setStateRoot')
  }

  async hasStateRoot(): Promise<boolean> {
    throw new UnsupportedStateOperationError('hasStateRoot')
  }

  clearCaches(): void {}

  shallowCopy(): StateManagerInterface {
    return new EthereumJSStateManager(this.state)
  }
}
