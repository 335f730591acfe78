import { type AccountState, EMPTY_CODE_HASH, type StateView, ZERO_WORD } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import type { ReadRequest, ReadResponse, ReplicaSync, WireWriteSet } from './protocol.js'

const EMPTY_CODE = new Uint8Array(0)

/**
 * A worker's replica of the committed state: a cache filled on first use (one
 * synchronous fetch from the main thread per key and worker lifetime) and kept
 * coherent across blocks by applying each block's write set. It is tagged with
 * the state root it mirrors; a sync it cannot follow empties it.
 */
export class StateReplica implements StateView {
  private readonly accounts = new Map<Address, AccountState | null>()
  private readonly storage = new Map<string, Hex>()
  /** Slots never fetched, assumed zero until the main thread confirms or corrects them. */
  private readonly guesses = new Map<string, Hex>()
  /** Whether the last `getStorage` answered with a guess. */
  guessed = false
  /** Guess unknown storage slots (zero) instead of a synchronous fetch; the main thread validates every guess. */
  guessStorage = true
  private readonly code = new Map<Hex, Uint8Array | null>()
  root: Hex | undefined
  misses = 0
  private readonly fetch: (request: ReadRequest) => ReadResponse

  constructor(fetch: (request: ReadRequest) => ReadResponse) {
    this.fetch = fetch
  }

  getAccount(address: Address): AccountState | undefined {
    let account = this.accounts.get(address)
    if (account === undefined) {
      this.misses++
      const response = this.fetch({ kind: 'account', address })
      account = response.account ?? null
      this.accounts.set(address, account)
      if (account && response.code) this.code.set(account.codeHash, response.code)
    }
    return account ?? undefined
  }

  getCode(codeHash: Hex): Uint8Array | undefined {
    if (codeHash === EMPTY_CODE_HASH) return EMPTY_CODE
    let code = this.code.get(codeHash)
    if (code === undefined) {
      this.misses++
      code = this.fetch({ kind: 'code', codeHash }).code ?? null
      // Absent code is not cached: a later block may create it.
      if (code) this.code.set(codeHash, code)
    }
    return code ?? undefined
  }

  getStorage(address: Address, slot: Hex): Hex {
    const key = address + slot
    let value = this.storage.get(key)
    this.guessed = false
    if (value === undefined && this.guessStorage) {
      this.guessed = true
      const guess = this.guesses.get(key)
      if (guess !== undefined) return guess
      this.guesses.set(key, ZERO_WORD)
      return ZERO_WORD
    }
    if (value === undefined) {
      this.misses++
      value = this.fetch({ kind: 'storage', address, slot }).storage ?? ZERO_WORD
      this.storage.set(key, value)
    }
    return value
  }

  /** Brings the replica to `sync.root`: nothing to do, apply the deltas, or start empty. */
  sync(sync: ReplicaSync): 'warm' | 'updated' | 'reset' {
    // Corrections name every wrong guess of the block run at their root: the other guesses were right.
    const corrections = sync.corrections
    const confirmable = corrections !== undefined && corrections.root === this.root
    if (confirmable) {
      for (const [address, slot, value] of corrections.entries) {
        this.storage.set(address + slot, value)
        this.guesses.delete(address + slot)
      }
    }
    if (this.root === sync.root) {
      if (confirmable) this.confirmGuesses()
      return 'warm'
    }
    const first = sync.deltas[0]
    if (this.root !== undefined && first && first.from === this.root) {
      for (const delta of sync.deltas) this.apply(delta.writes)
      if (confirmable) this.confirmGuesses()
      this.root = sync.root
      return 'updated'
    }
    this.accounts.clear()
    this.storage.clear()
    this.guesses.clear()
    this.root = sync.root
    return 'reset'
  }

  /** Every guess the main thread did not correct was right: it becomes a fact (unless a delta wrote the slot since). */
  private confirmGuesses(): void {
    for (const [key, value] of this.guesses) if (!this.storage.has(key)) this.storage.set(key, value)
    this.guesses.clear()
  }

  /** Applies a committed write set (the semantics of `MemoryState.apply`). */
  apply(writes: WireWriteSet): void {
    for (const [hash, code] of writes.code) this.code.set(hash, code)
    for (const [address, account] of writes.accounts) this.accounts.set(address, account)
    for (const [address, slot, value] of writes.storage) this.storage.set(address + slot, value)
  }

  get size(): number {
    return this.accounts.size + this.storage.size
  }
}
