import { type AccountState, ZERO_WORD } from '@rollup-mesh/core'
import type Database from 'better-sqlite3'
import type { Address, Hex } from 'viem'
import { headerFromJSON } from './codec.js'
import { type AccountRow, normSlot } from './storeRows.js'

/**
 * Reads of the committed state (accounts, code, storage, the head's state root) over one connection: the
 * store's own, or a read-only one another thread opens (`openCommittedState`). Uncached.
 */
export class StateReads {
  private readonly account: Database.Statement
  private readonly slot: Database.Statement
  private readonly code: Database.Statement
  private readonly head: Database.Statement

  constructor(db: Database.Database) {
    this.account = db.prepare('SELECT * FROM accounts WHERE address = ?')
    this.slot = db.prepare('SELECT value FROM storage WHERE address = ? AND slot = ?').pluck()
    this.code = db.prepare('SELECT code FROM code WHERE hash = ?').pluck()
    this.head = db.prepare('SELECT header FROM blocks ORDER BY number DESC LIMIT 1').pluck()
  }

  readAccount(address: Address): AccountState | undefined {
    const row = this.account.get(address.toLowerCase()) as AccountRow | undefined
    if (!row) return undefined
    return {
      nonce: BigInt(row.nonce),
      balance: BigInt(row.balance),
      codeHash: row.code_hash as Hex,
      vm: row.vm,
    }
  }

  readCode(codeHash: Hex): Uint8Array | undefined {
    const buf = this.code.get(codeHash.toLowerCase()) as Buffer | undefined
    return buf ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : undefined
  }

  readStorage(address: Address, slot: Hex): Hex {
    const v = this.slot.get(address.toLowerCase(), normSlot(slot)) as Hex | undefined
    return v ?? ZERO_WORD
  }

  /** The state root of the newest committed block (undefined before genesis). */
  headStateRoot(): Hex | undefined {
    const header = this.head.get() as string | undefined
    return header === undefined ? undefined : headerFromJSON(header).stateRoot
  }
}
