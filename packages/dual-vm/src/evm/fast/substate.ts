import type { Address } from 'viem'

/** A log as ethereumjs returns it: [address, topics, data]. */
export type LogTuple = [Uint8Array, Uint8Array[], Uint8Array]

enum Kind {
  WarmAddress = 0,
  WarmSlot = 1,
  Transient = 2,
  Touched = 3,
  Selfdestruct = 4,
  Created = 5,
}

/** `slot`: the storage key of a warmed slot (`key` is then its address). */
type Undo = { kind: Kind; key: string; slot?: string | undefined; prev?: bigint | undefined }
type Mark = { undo: number; logs: number; refund: number }

const NONE: ReadonlySet<string> = new Set()

/** RIPEMD-160's precompile: a touch of it survives a revert (mainnet block 2675119; geth and ethereumjs agree). */
const RIPEMD160: Address = '0x0000000000000000000000000000000000000003'

/**
 * A transaction's substate besides accounts and storage (those live in the `JournaledState`): warm
 * addresses and slots (EIP-2929), transient storage (EIP-1153), logs, the refund counter, touched
 * accounts (EIP-161), SELFDESTRUCTed and created accounts (EIP-6780). Checkpointed per call frame next
 * to the state journal; a reverted frame undoes its own entries only.
 */
export class Substate {
  private readonly warmAddresses = new Set<string>()
  /** Warm slots by address: no `address + slot` string to build and hash per SLOAD/SSTORE. */
  private readonly warmSlots = new Map<string, Set<string>>()
  private readonly transient = new Map<string, bigint>()
  readonly touched = new Set<string>()
  readonly selfdestructs = new Set<string>()
  readonly created = new Set<string>()
  readonly logs: LogTuple[] = []
  refund = 0
  private readonly undo: Undo[] = []
  private readonly marks: Mark[] = []

  /**
   * `alwaysWarm`: addresses warm for the whole transaction without an entry each (the precompiles, shared
   * by every transaction of a block: adding ~18 addresses to a fresh set per transaction was measurable).
   */
  constructor(private readonly alwaysWarm: ReadonlySet<string> = NONE) {}

  /** Warms `address`; true when it was cold (the caller charges the cold surcharge). */
  warmAddress(address: string): boolean {
    if (this.warmAddresses.has(address) || this.alwaysWarm.has(address)) return false
    this.warmAddresses.add(address)
    this.undo.push({ kind: Kind.WarmAddress, key: address })
    return true
  }

  isWarmAddress(address: string): boolean {
    return this.warmAddresses.has(address) || this.alwaysWarm.has(address)
  }

  /** Warms `address`'s storage slot `slot`; true when it was cold. */
  warmSlot(address: string, slot: string): boolean {
    let slots = this.warmSlots.get(address)
    if (slots === undefined) {
      slots = new Set()
      this.warmSlots.set(address, slots)
    } else if (slots.has(slot)) return false
    slots.add(slot)
    this.undo.push({ kind: Kind.WarmSlot, key: address, slot })
    return true
  }

  tload(key: string): bigint {
    return this.transient.get(key) ?? 0n
  }

  tstore(key: string, value: bigint): void {
    this.undo.push({ kind: Kind.Transient, key, prev: this.transient.get(key) })
    if (value === 0n) this.transient.delete(key)
    else this.transient.set(key, value)
  }

  touch(address: string): void {
    if (this.touched.has(address)) return
    this.touched.add(address)
    this.undo.push({ kind: Kind.Touched, key: address })
  }

  markSelfdestruct(address: string): void {
    if (this.selfdestructs.has(address)) return
    this.selfdestructs.add(address)
    this.undo.push({ kind: Kind.Selfdestruct, key: address })
  }

  markCreated(address: string): void {
    if (this.created.has(address)) return
    this.created.add(address)
    this.undo.push({ kind: Kind.Created, key: address })
  }

  checkpoint(): void {
    this.marks.push({ undo: this.undo.length, logs: this.logs.length, refund: this.refund })
  }

  commit(): void {
    this.marks.pop()
  }

  revert(): void {
    const mark = this.marks.pop()
    if (!mark) return
    let ripemdTouched = false
    for (let i = this.undo.length - 1; i >= mark.undo; i--) {
      const entry = this.undo[i] as Undo
      switch (entry.kind) {
        case Kind.WarmAddress:
          this.warmAddresses.delete(entry.key)
          break
        case Kind.WarmSlot:
          this.warmSlots.get(entry.key)?.delete(entry.slot as string)
          break
        case Kind.Transient:
          if (entry.prev === undefined) this.transient.delete(entry.key)
          else this.transient.set(entry.key, entry.prev)
          break
        case Kind.Touched:
          if (entry.key === RIPEMD160) ripemdTouched = true
          else this.touched.delete(entry.key)
          break
        case Kind.Selfdestruct:
          this.selfdestructs.delete(entry.key)
          break
        case Kind.Created:
          this.created.delete(entry.key)
          break
      }
    }
    this.undo.length = mark.undo
    if (ripemdTouched) this.undo.push({ kind: Kind.Touched, key: RIPEMD160 })
    this.logs.length = mark.logs
    this.refund = mark.refund
  }
}
