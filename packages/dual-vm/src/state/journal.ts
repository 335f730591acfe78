import {
  type AccountState,
  BaseError,
  EMPTY_CODE_HASH,
  keccak256,
  type StateView,
  type VmKind,
  type WriteSet,
  ZERO_WORD,
} from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'

/** A `StateView` that can also tell whether an account has any storage (EIP-7610's collision check). */
export type StorageProbe = StateView & { hasStorage?(address: Address): boolean }

/** Whether two account states are equal field by field (`null` and `undefined` both mean no account). */
export function sameAccount(a: AccountState | null | undefined, b: AccountState | null | undefined): boolean {
  if (!a || !b) return !a && !b
  return a.nonce === b.nonce && a.balance === b.balance && a.codeHash === b.codeHash && a.vm === b.vm
}
const EMPTY_CODE = new Uint8Array(0)

type UndoEntry =
  | { kind: 0; address: Address; prev: AccountState | null | undefined }
  | { kind: 1; address: Address; slot: Hex; prev: Hex | undefined }

/**
 * A write journal over a committed `StateView`: one flat overlay (accounts,
 * storage, code) plus an undo log. `checkpoint()` remembers the undo log's
 * length, `revert()` undoes entries back to it, `commit()` forgets the mark, so
 * nested calls cost O(their own writes) and nothing is copied. Everything is
 * synchronous: the WASM host reads and writes storage without awaiting.
 *
 * Keys are lower-case 0x hex; storage slots and values 32-byte hex.
 */
export class JournaledState implements StateView {
  private _base: StateView
  private readonly accounts = new Map<Address, AccountState | null>()
  private readonly storage = new Map<Address, Map<Hex, Hex>>()
  private readonly code = new Map<Hex, Uint8Array>()
  /**
   * Code read from the base, kept for the journal's life so every call to a
   * contract sees the same array (the EVM's jump analysis and the WASM engine's
   * module cache key on it), whatever the base store returns.
   */
  private readonly baseCode = new Map<Hex, Uint8Array>()
  private readonly undo: UndoEntry[] = []
  private readonly marks: number[] = []
  /** Storage values as they were when the current transaction began (EIP-2200/3529 gas). */
  private readonly txOriginal = new Map<Address, Map<Hex, Hex>>()

  constructor(base: StateView) {
    this._base = base
  }

  /** The committed state this journal overlays. */
  get base(): StateView {
    return this._base
  }

  /**
   * Drops every write, mark and original value and overlays `base` instead, as
   * if newly constructed (so a warm EVM can run the next call over it). Code
   * read from the base is content-addressed and kept, bounded.
   */
  rebase(base: StateView): void {
    this._base = base
    this.accounts.clear()
    this.storage.clear()
    this.code.clear()
    this.undo.length = 0
    this.marks.length = 0
    this.txOriginal.clear()
    if (this.baseCode.size > 1_024) this.baseCode.clear()
  }

  // --- reads (StateView) ---

  getAccount(address: Address): AccountState | undefined {
    const own = this.accounts.get(address)
    if (own !== undefined) return own ?? undefined
    return this._base.getAccount(address)
  }

  getCode(codeHash: Hex): Uint8Array | undefined {
    if (codeHash === EMPTY_CODE_HASH) return EMPTY_CODE
    const own = this.code.get(codeHash) ?? this.baseCode.get(codeHash)
    if (own) return own
    const code = this._base.getCode(codeHash)
    if (code) this.baseCode.set(codeHash, code)
    return code
  }

  getStorage(address: Address, slot: Hex): Hex {
    const own = this.storage.get(address)?.get(slot)
    if (own !== undefined) return own
    return this._base.getStorage(address, slot)
  }

  /**
   * Whether `address` has non-zero storage (EIP-7610: a CREATE onto it collides): a non-zero slot written
   * here, or storage in the base when the base can tell (`StorageProbe`; a base without `hasStorage`
   * counts as having none). A base slot zeroed in this journal still counts: committed storage is never
   * cleared within a block (SELFDESTRUCT deletes only accounts created in the same transaction).
   */
  hasStorage(address: Address): boolean {
    const slots = this.storage.get(address)
    if (slots) for (const value of slots.values()) if (value !== ZERO_WORD) return true
    return (this._base as StorageProbe).hasStorage?.(address) === true
  }

  /** The code an address runs (empty for EOAs and absent accounts). */
  getCodeAt(address: Address): Uint8Array {
    const account = this.getAccount(address)
    if (!account || account.codeHash === EMPTY_CODE_HASH) return EMPTY_CODE
    return this.getCode(account.codeHash) ?? EMPTY_CODE
  }

  vmOf(address: Address): VmKind {
    return this.getAccount(address)?.vm ?? 'evm'
  }

  /** Storage value at the start of the current transaction. */
  getOriginalStorage(address: Address, slot: Hex): Hex {
    return this.txOriginal.get(address)?.get(slot) ?? this.getStorage(address, slot)
  }

  // --- writes ---

  /** Writes (or with `null` deletes) an account; deleting also clears the storage written here. */
  putAccount(address: Address, account: AccountState | null): void {
    this.undo.push({ kind: 0, address, prev: this.accounts.get(address) })
    this.accounts.set(address, account)
    if (account === null) this.clearStorage(address)
  }

  putStorage(address: Address, slot: Hex, value: Hex): void {
    let slots = this.storage.get(address)
    if (slots === undefined) {
      slots = new Map()
      this.storage.set(address, slots)
    }
    const prev = slots.get(slot)
    let original = this.txOriginal.get(address)
    if (original === undefined) {
      original = new Map()
      this.txOriginal.set(address, original)
    }
    if (!original.has(slot)) original.set(slot, prev ?? this._base.getStorage(address, slot))
    this.undo.push({ kind: 1, address, slot, prev })
    slots.set(slot, value)
  }

  /**
   * Zeroes the slots written in this journal for `address`. Slots only in the
   * base state are left alone: an account can be created or deleted only when
   * it has no committed storage (creation collides otherwise; EIP-6780 limits
   * SELFDESTRUCT to accounts created in the same transaction).
   */
  clearStorage(address: Address): void {
    const slots = this.storage.get(address)
    if (!slots) return
    for (const [slot, value] of slots) if (value !== ZERO_WORD) this.putStorage(address, slot, ZERO_WORD)
  }

  /** Stores `code` for `address` and points its account at it with the given VM tag. */
  putCode(address: Address, code: Uint8Array, vm: VmKind): Hex {
    const codeHash = code.length === 0 ? EMPTY_CODE_HASH : keccak256(code)
    if (code.length > 0) this.code.set(codeHash, code)
    const account = this.getAccount(address) ?? { nonce: 0n, balance: 0n, codeHash: EMPTY_CODE_HASH, vm }
    this.putAccount(address, { ...account, codeHash, vm })
    return codeHash
  }

  // --- journal ---

  checkpoint(): void {
    this.marks.push(this.undo.length)
  }

  commit(): void {
    if (this.marks.pop() === undefined) throw new JournalMisuseError('commit')
  }

  revert(): void {
    const mark = this.marks.pop()
    if (mark === undefined) throw new JournalMisuseError('revert')
    for (let i = this.undo.length - 1; i >= mark; i--) {
      const entry = this.undo[i] as UndoEntry
      if (entry.kind === 0) {
        if (entry.prev === undefined) this.accounts.delete(entry.address)
        else this.accounts.set(entry.address, entry.prev)
      } else {
        const slots = this.storage.get(entry.address)
        if (!slots) continue
        if (entry.prev === undefined) slots.delete(entry.slot)
        else slots.set(entry.slot, entry.prev)
      }
    }
    this.undo.length = mark
  }

  get depth(): number {
    return this.marks.length
  }

  /** Starts a transaction: original storage values are taken afresh, the undo log is dropped. */
  beginTransaction(): void {
    if (this.marks.length !== 0) throw new JournalMisuseError('beginTransaction')
    this.txOriginal.clear()
    this.undo.length = 0
  }

  /**
   * What this journal changed relative to its base: final accounts (null when
   * deleted), every written slot, and code referenced by the written accounts.
   * Writes that ended where they started are left out.
   */
  writeSet(): WriteSet {
    const accounts = new Map<Address, AccountState | null>()
    const code = new Map<Hex, Uint8Array>()
    for (const [address, account] of this.accounts) {
      const before = this._base.getAccount(address)
      if (account === null) {
        if (before !== undefined) accounts.set(address, null)
        continue
      }
      if (sameAccount(before, account)) continue
      accounts.set(address, account)
      const own = this.code.get(account.codeHash)
      if (own && !this._base.getCode(account.codeHash)) code.set(account.codeHash, own)
    }
    const storage = new Map<Address, Map<Hex, Hex>>()
    for (const [address, slots] of this.storage) {
      let out: Map<Hex, Hex> | undefined
      for (const [slot, value] of slots) {
        if (this._base.getStorage(address, slot) === value) continue
        if (!out) {
          out = new Map()
          storage.set(address, out)
        }
        out.set(slot, value)
      }
    }
    return { accounts, storage, code }
  }
}

/** A checkpoint/commit/revert call without a matching checkpoint (a bug in the caller). */
export class JournalMisuseError extends BaseError {
  constructor(operation: string) {
    super(`Journal ${operation}() called at the wrong depth.`, {
      code: 'JOURNAL_MISUSE',
      name: 'JournalMisuseError',
      metaMessages: ['- Every commit()/revert() needs a checkpoint(); beginTransaction() needs depth 0.'],
    })
  }
}
