import type { Address } from 'viem'
import { sameAccount } from '../state/journal.js'
import type { CommitJournal } from './commitJournal.js'
import { FROM_REPLICA, type TxResult } from './protocol.js'

/*
 * Validation of a speculative result on the calling thread, in block order: its reads are compared by
 * value with the block's state so far (`firstConflict`), and its guesses about the pre-block state
 * (storage slots a warm replica lacked, guessed zero) with the committed state: that check is inline in
 * `ParallelExecutor.executeParallel`'s block loop (a wrong guess is no conflict between transactions).
 */

/** The address of the first read that no longer holds, or undefined when the speculation is valid. */
export function firstConflict(r: TxResult, journal: CommitJournal): Address | undefined {
  for (const [address, value, fromOverlay] of r.accountReads) {
    if (!fromOverlay && !journal.writtenAccounts.has(address)) continue
    if (!sameAccount(journal.getAccount(address), value)) return address
  }
  for (const [address, slot, value, source] of r.storageReads) {
    if (source === FROM_REPLICA && !journal.writtenSlots.has(address + slot)) continue
    if (journal.getStorage(address, slot) !== value) return address
  }
  return undefined
}
