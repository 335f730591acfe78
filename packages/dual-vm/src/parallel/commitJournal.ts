import type { AccountState } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import { JournaledState } from '../state/journal.js'

/** A block journal that remembers which keys the block has written (so unwritten reads validate for free). */
export class CommitJournal extends JournaledState {
  readonly writtenAccounts = new Set<Address>()
  readonly writtenSlots = new Set<string>()

  override putAccount(address: Address, account: AccountState | null): void {
    this.writtenAccounts.add(address)
    super.putAccount(address, account)
  }

  override putStorage(address: Address, slot: Hex, value: Hex): void {
    this.writtenSlots.add(address + slot)
    super.putStorage(address, slot, value)
  }
}
