import {
  type AccountState,
  EMPTY_CODE_HASH,
  type StateView,
  type WriteSet,
  ZERO_WORD,
} from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import type { ChainStore } from './store.js'
import { normSlot } from './storeRows.js'

const EMPTY_CODE = new Uint8Array(0)

export type SQLiteStateViewOptions = {
  /** Cached accounts + slots before the cache is dropped and refilled. Default 500,000. */
  maxEntries?: number
}

/**
 * The executor's `StateView` over the chain store, with a read-through cache
 * (misses included) that block commits update, so hot accounts and slots are
 * served from memory and reads always see the last committed block.
 */
export class SQLiteStateView implements StateView {
  private accounts = new Map<string, AccountState | null>()
  private slots = new Map<string, Hex>()
  private readonly code = new Map<string, Uint8Array | null>()
  private readonly maxEntries: number
  hits = 0
  misses = 0

  constructor(
    private readonly store: ChainStore,
    options: SQLiteStateViewOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 500_000
  }

  getAccount(address: Address): AccountState | undefined {
    const key = address.toLowerCase()
    const cached = this.accounts.get(key)
    if (cached !== undefined) {
      this.hits++
      return cached ?? undefined
    }
    this.misses++
    const acc = this.store.readAccount(key as Address)
    this.remember()
    this.accounts.set(key, acc ?? null)
    return acc
  }

  getCode(codeHash: Hex): Uint8Array | undefined {
    const key = codeHash.toLowerCase()
    if (key === EMPTY_CODE_HASH) return EMPTY_CODE
    const cached = this.code.get(key)
    if (cached !== undefined) return cached ?? undefined
    const code = this.store.readCode(key as Hex)
    this.code.set(key, code ?? null)
    return code
  }

  getStorage(address: Address, slot: Hex): Hex {
    const key = address.toLowerCase() + normSlot(slot).slice(2)
    const cached = this.slots.get(key)
    if (cached !== undefined) {
      this.hits++
      return cached
    }
    this.misses++
    const v = this.store.readStorage(address, slot)
    this.remember()
    this.slots.set(key, v)
    return v
  }

  /** The cached account (`null`: cached as absent), or `undefined` when not cached; never reads the store. */
  peekAccount(address: Address): AccountState | null | undefined {
    return this.accounts.get(address.toLowerCase())
  }

  /** The cached slot value, or `undefined` when not cached; never reads the store. */
  peekStorage(address: Address, slot: Hex): Hex | undefined {
    return this.slots.get(address.toLowerCase() + normSlot(slot).slice(2))
  }

  /** Brings the cache up to date with a committed write set (call right after the store commit). */
  apply(ws: WriteSet): void {
    for (const [hash, code] of ws.code) this.code.set(hash.toLowerCase(), code)
    for (const [addr, acc] of ws.accounts) {
      const a = addr.toLowerCase()
      this.accounts.set(a, acc)
      if (acc === null) {
        // A deleted account's storage is gone: drop its cached slots.
        for (const k of this.slots.keys()) if (k.startsWith(a)) this.slots.delete(k)
      }
    }
    for (const [addr, slots] of ws.storage) {
      const a = addr.toLowerCase()
      for (const [slot, value] of slots) {
        this.slots.set(a + normSlot(slot).slice(2), BigInt(value) === 0n ? ZERO_WORD : normSlot(value))
      }
    }
    this.remember()
  }

  /** Drops everything cached (after an external change to the store). */
  clear(): void {
    this.accounts = new Map()
    this.slots = new Map()
    this.code.clear()
  }

  private remember(): void {
    if (this.accounts.size + this.slots.size > this.maxEntries) {
      this.accounts = new Map()
      this.slots = new Map()
    }
  }
}
