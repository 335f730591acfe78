import type { StateView } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import { sameAccount } from '../state/journal.js'
import type { CommitJournal } from './commitJournal.js'
import { FROM_REPLICA, GUESSED, type TxResult } from './protocol.js'

/*
 * Validation of a speculative result on the calling thread, in block order: its reads are compared by
 * value with the block's state so far (`firstConflict`), and its guesses about the pre-block state
 * (storage slots a warm replica lacked, guessed zero) with the committed state (`wrongGuesses`).
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

/**
 * Whether a result guessed an unknown storage slot wrong; each wrong guess is pushed to `corrections`
 * (the workers learn the value with the next block). A wrong guess is no conflict between transactions.
 */
export function wrongGuesses(r: TxResult, state: StateView, corrections: [Address, Hex, Hex][]): boolean {
  let wrongGuess = false
  for (const [address, slot, value, source] of r.storageReads) {
    if (source !== GUESSED) continue
    const actual = state.getStorage(address, slot)
    if (actual !== value) {
      corrections.push([address, slot, actual])
      wrongGuess = true
    }
  }
  return wrongGuess
}
