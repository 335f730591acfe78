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

/** A not-durable block's writes, keyed as the cache keys them (lower-case; slots address + 32-byte slot). */
type PendingLayer = {
  block: bigint
  accounts: Map<string, AccountState | null>
  slots: Map<string, Hex>
  code: Map<string, Uint8Array>
}

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
  /**
   * Write sets of blocks executed but not durable yet (the commit writer's queue), oldest first: a cache
   * miss reads them before the store, whose connection does not see those blocks until their COMMIT.
   */
  private pending: PendingLayer[] = []
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
    const pending = this.pendingAccount(key)
    const acc = pending !== undefined ? (pending ?? undefined) : this.store.readAccount(key as Address)
    this.remember()
    this.accounts.set(key, acc ?? null)
    return acc
  }

  getCode(codeHash: Hex): Uint8Array | undefined {
    const key = codeHash.toLowerCase()
    if (key === EMPTY_CODE_HASH) return EMPTY_CODE
    const cached = this.code.get(key)
    if (cached !== undefined) return cached ?? undefined
    const code = this.pendingCode(key) ?? this.store.readCode(key as Hex)
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
    const v = this.pendingStorage(key.slice(0, 42), key) ?? this.store.readStorage(address, slot)
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

  /**
   * `apply` for a block whose commit is queued, not durable: its writes are also kept aside until
   * `durable(block)`, so that reads missing the cache (it may drop them when full) still see them.
   */
  applyPending(block: bigint, ws: WriteSet): void {
    const layer: PendingLayer = { block, accounts: new Map(), slots: new Map(), code: new Map() }
    for (const [hash, code] of ws.code) layer.code.set(hash.toLowerCase(), code)
    for (const [addr, acc] of ws.accounts) layer.accounts.set(addr.toLowerCase(), acc)
    for (const [addr, slots] of ws.storage) {
      const a = addr.toLowerCase()
      for (const [slot, value] of slots)
        layer.slots.set(a + normSlot(slot).slice(2), BigInt(value) === 0n ? ZERO_WORD : normSlot(value))
    }
    this.pending.push(layer)
    // `apply(ws)` from the layer: its keys and values are already normalized (half the work)
    for (const [hash, code] of layer.code) this.code.set(hash, code)
    for (const [a, acc] of layer.accounts) {
      this.accounts.set(a, acc)
      if (acc === null) for (const k of this.slots.keys()) if (k.startsWith(a)) this.slots.delete(k)
    }
    for (const [key, value] of layer.slots) this.slots.set(key, value)
    this.remember()
  }

  /** Block `block` (and every one before it) is durable in the store: its kept-aside writes can go. */
  durable(block: bigint): void {
    this.pending = this.pending.filter((p) => p.block > block)
  }

  /** Drops everything cached (after an external change to the store), kept-aside writes included. */
  clear(): void {
    this.accounts = new Map()
    this.slots = new Map()
    this.code.clear()
    this.pending = []
  }

  /** The newest not-durable value of an account (`null`: deleted), or undefined when none wrote it. */
  private pendingAccount(key: string): AccountState | null | undefined {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const acc = (this.pending[i] as PendingLayer).accounts.get(key)
      if (acc !== undefined) return acc
    }
    return undefined
  }

  private pendingCode(key: string): Uint8Array | undefined {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const code = (this.pending[i] as PendingLayer).code.get(key)
      if (code !== undefined) return code
    }
    return undefined
  }

  /** The newest not-durable value of a slot (`key`: address + slot), ZERO_WORD after its account was deleted. */
  private pendingStorage(address: string, key: string): Hex | undefined {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const layer = this.pending[i] as PendingLayer
      const v = layer.slots.get(key)
      if (v !== undefined) return v
      if (layer.accounts.get(address) === null) return ZERO_WORD
    }
    return undefined
  }

  private remember(): void {
    if (this.accounts.size + this.slots.size > this.maxEntries) {
      this.accounts = new Map()
      this.slots = new Map()
    }
  }
}
