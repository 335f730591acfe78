import { type AccountState, EMPTY_CODE_HASH } from '@rollup-mesh/core'
import type { Address } from 'viem'
import type { CommitJournal } from './commitJournal.js'
import type { TxResult } from './protocol.js'

const EMPTY_ACCOUNT: AccountState = { nonce: 0n, balance: 0n, codeHash: EMPTY_CODE_HASH, vm: 'evm' }

/** Applies a validated speculative write set; false when it refers to code the block does not hold. */
export function applyResult(r: TxResult, journal: CommitJournal, coinbase: Address): boolean {
  const { accounts, storage, code } = r.writes
  for (const [address, account] of accounts) {
    if (!account || account.codeHash === EMPTY_CODE_HASH) continue
    if (journal.getAccount(address)?.codeHash === account.codeHash) continue
    if (!code.some(([hash]) => hash === account.codeHash) && !journal.getCode(account.codeHash)) return false
  }
  journal.beginTransaction()
  for (const [hash, bytes] of code) {
    const owner = accounts.find(([, a]) => a?.codeHash === hash)
    if (owner?.[1]) journal.putCode(owner[0], bytes, owner[1].vm)
  }
  for (const [address, account] of accounts) journal.putAccount(address, account)
  for (const [address, slot, value] of storage) journal.putStorage(address, slot, value)
  if (r.coinbaseDelta !== undefined && r.coinbaseDelta !== 0n) {
    const current = journal.getAccount(coinbase) ?? EMPTY_ACCOUNT
    journal.putAccount(coinbase, { ...current, balance: current.balance + r.coinbaseDelta })
  }
  return true
}
