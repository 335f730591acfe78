import { type AccountState, EMPTY_CODE_HASH, type StateView } from '@rollup-mesh/core'
import Database from 'better-sqlite3'
import type { Address, Hex } from 'viem'
import { StateReads } from './stateReads.js'

export type CommittedStateOptions = {
  /** The chain store's SQLite file (the node's `chain.db`). */
  path: string
}

/** The committed state of a chain store, read over a connection of its own. */
export type CommittedState = StateView & {
  /** The state root these reads see: the newest committed block's. */
  root(): Hex | undefined
  close(): void
}

/**
 * Opens a chain store read-only for another thread: the parallel executor's workers read keys their
 * replica lacks here instead of asking the node's main thread (which may be busy serving RPC). WAL mode
 * lets this reader run beside the node's writer; the node commits state only between blocks, and a worker
 * trusts these reads only while `root()` is the block's pre-state root. Loaded by module name
 * (`@rollup-mesh/chain/committed-state`, export `openCommittedState`).
 */
export function openCommittedState(options: CommittedStateOptions): CommittedState {
  const db = new Database(options.path, { readonly: true, fileMustExist: true })
  const reads = new StateReads(db)
  return {
    getAccount: (address: Address): AccountState | undefined => reads.readAccount(address),
    getCode: (codeHash: Hex) =>
      codeHash.toLowerCase() === EMPTY_CODE_HASH ? new Uint8Array(0) : reads.readCode(codeHash),
    getStorage: (address: Address, slot: Hex) => reads.readStorage(address, slot),
    root: () => reads.headStateRoot(),
    close: () => db.close(),
  }
}
