import {
  type AccountState,
  EMPTY_CODE_HASH,
  keccak256,
  type StateView,
  type VmKind,
  type WriteSet,
  ZERO_WORD,
} from '@rollup-mesh/core'
import { type Address, type Hex, hexToBytes, isHex, numberToHex } from 'viem'
import { commitWriteSet, STATE_COMMITMENT_ADDRESS, stateRootOf } from './commitment.js'

/**
 * The committed state in memory: flat maps, no trie. Implements core's
 * `StateView`; `apply(writeSet)` commits a block's write set.
 */
export class MemoryState implements StateView {
  private readonly accounts = new Map<Address, AccountState>()
  private readonly storage = new Map<Address, Map<Hex, Hex>>()
  private readonly code = new Map<Hex, Uint8Array>()

  getAccount(address: Address): AccountState | undefined {
    return this.accounts.get(address)
  }

  getCode(codeHash: Hex): Uint8Array | undefined {
    if (codeHash === EMPTY_CODE_HASH) return new Uint8Array(0)
    return this.code.get(codeHash)
  }

  getStorage(address: Address, slot: Hex): Hex {
    return this.storage.get(address)?.get(slot) ?? ZERO_WORD
  }

  /** Whether `address` has any non-zero storage slot (EIP-7610: CREATE onto it collides). */
  hasStorage(address: Address): boolean {
    return (this.storage.get(address)?.size ?? 0) > 0
  }

  /** Commits a write set (the executor's `result.writeSet`, which already carries the new accumulator). */
  apply(writeSet: WriteSet): void {
    for (const [hash, code] of writeSet.code) this.code.set(hash, code)
    for (const [address, account] of writeSet.accounts) {
      if (account === null) this.accounts.delete(address)
      else this.accounts.set(address, account)
    }
    for (const [address, slots] of writeSet.storage) {
      let own = this.storage.get(address)
      if (!own) {
        own = new Map()
        this.storage.set(address, own)
      }
      for (const [slot, value] of slots) {
        if (value === ZERO_WORD) own.delete(slot)
        else own.set(slot, value)
      }
      if (own.size === 0) this.storage.delete(address)
    }
  }

  /** The state root (keccak256 of the LtHash accumulator stored in the state). */
  stateRoot(): Hex {
    return stateRootOf(this)
  }

  /**
   * The whole state as a genesis allocation (the commitment's own slots left
   * out): `genesisWriteSet(state.toAlloc())` recomputes the root from scratch.
   */
  toAlloc(): GenesisAlloc {
    const alloc: GenesisAlloc = {}
    for (const [address, account] of this.accounts) {
      const code = this.getCode(account.codeHash)
      alloc[address] = {
        nonce: account.nonce,
        balance: account.balance,
        vm: account.vm,
        ...(code && code.length > 0 ? { code } : {}),
      }
    }
    for (const [address, slots] of this.storage) {
      if (address === STATE_COMMITMENT_ADDRESS) continue
      alloc[address] = { ...alloc[address], storage: Object.fromEntries(slots) }
    }
    return alloc
  }

  /** Number of live accounts (for tests and stats). */
  get accountCount(): number {
    return this.accounts.size
  }
}

/** One account of a genesis allocation. */
export type GenesisAccount = {
  balance?: bigint
  nonce?: bigint
  /** Runtime code (EVM bytecode, or an already instrumented WASM module with `vm: 'wasm'`). */
  code?: Hex | Uint8Array
  vm?: VmKind
  storage?: Record<Hex, Hex>
}

export type GenesisAlloc = Record<Address, GenesisAccount>

/**
 * The write set that creates `alloc` over an empty state, including the state
 * accumulator, and the resulting state root. The node applies this write set
 * to a fresh store; `createMemoryState(alloc)` does the same in memory.
 */
export function genesisWriteSet(alloc: GenesisAlloc): { writeSet: WriteSet; stateRoot: Hex } {
  const writeSet: WriteSet = { accounts: new Map(), storage: new Map(), code: new Map() }
  for (const [rawAddress, spec] of Object.entries(alloc)) {
    const address = rawAddress.toLowerCase() as Address
    const code =
      spec.code === undefined ? new Uint8Array(0) : isHex(spec.code) ? hexToBytes(spec.code) : spec.code
    const codeHash = code.length === 0 ? EMPTY_CODE_HASH : keccak256(code)
    if (code.length > 0) writeSet.code.set(codeHash, code)
    writeSet.accounts.set(address, {
      nonce: spec.nonce ?? (code.length > 0 ? 1n : 0n),
      balance: spec.balance ?? 0n,
      codeHash,
      vm: spec.vm ?? 'evm',
    })
    if (spec.storage) {
      const slots = new Map<Hex, Hex>()
      for (const [slot, value] of Object.entries(spec.storage)) {
        const v = numberToHex(BigInt(value), { size: 32 })
        if (v !== ZERO_WORD) slots.set(numberToHex(BigInt(slot), { size: 32 }), v)
      }
      writeSet.storage.set(address, slots)
    }
  }
  const stateRoot = commitWriteSet(new MemoryState(), writeSet)
  return { writeSet, stateRoot }
}

/**
 * An in-memory committed state with `alloc` as genesis (and the genesis state commitment applied).
 *
 * @example
 * ```ts
 * import assert from 'node:assert'
 * import { createMemoryState, stateRootOf } from '@rollup-mesh/dual-vm'
 *
 * const alice = '0x00000000000000000000000000000000000a11ce'
 * const slot0 = `0x${'00'.repeat(32)}`
 * const state = createMemoryState({
 *   [alice]: { balance: 5n, nonce: 1n, storage: { [slot0]: `0x${'00'.repeat(31)}2a` } },
 * })
 * assert.equal(state.getAccount(alice)?.nonce, 1n)
 * assert.equal(BigInt(state.getStorage(alice, slot0)), 42n)
 * assert.match(stateRootOf(state), /^0x[0-9a-f]{64}$/) // the genesis LtHash commitment
 * ```
 */
export function createMemoryState(alloc: GenesisAlloc = {}): MemoryState {
  const state = new MemoryState()
  state.apply(genesisWriteSet(alloc).writeSet)
  return state
}
