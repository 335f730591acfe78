import { type Hex, numberToHex } from 'viem'
import { SPN_MAILBOX_RUNTIME_CODE } from './mailbox.generated.js'

/** The Mailbox's genesis account, in every SPN genesis: its runtime code, slot 0 = the SPN's numeric id. */
export function spnMailboxGenesisAccount(spnId: bigint): { code: Hex; storage: Record<Hex, Hex> } {
  return {
    code: SPN_MAILBOX_RUNTIME_CODE,
    storage: { [numberToHex(0, { size: 32 })]: numberToHex(spnId, { size: 32 }) },
  }
}
