import type { AccountState, StateView } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'

/**
 * A `StateView` over `base` that remembers the first value of every account and slot read through it.
 * A journal over it reads the base only for what it has not written, so what is recorded is the state
 * the traced transaction found (geth's prestate): its accounts, and its slots with their values before.
 */
export class RecordingState implements StateView {
  readonly accounts = new Map<Address, AccountState | undefined>()
  readonly storage = new Map<Address, Map<Hex, Hex>>()
  private recording = true

  constructor(readonly base: StateView) {}

  /** Stops recording (reads after the run, e.g. a write set's comparisons, are not the transaction's). */
  stop(): void {
    this.recording = false
  }

  getAccount(address: Address): AccountState | undefined {
    const account = this.base.getAccount(address)
    if (this.recording && !this.accounts.has(address)) this.accounts.set(address, account)
    return account
  }

  getCode(codeHash: Hex): Uint8Array | undefined {
    return this.base.getCode(codeHash)
  }

  getStorage(address: Address, slot: Hex): Hex {
    const value = this.base.getStorage(address, slot)
    if (this.recording) {
      let slots = this.storage.get(address)
      if (!slots) {
        slots = new Map()
        this.storage.set(address, slots)
      }
      if (!slots.has(slot)) slots.set(slot, value)
    }
    return value
  }
}
