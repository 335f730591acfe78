import { type AccountState, EMPTY_CODE_HASH, type StateView } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import type { ChainStore } from './store.js'

const EMPTY_CODE = new Uint8Array(0)

/**
 * The state after block `block` as it was sealed, read from the store's history (one indexed lookup per key
 * for "the first change after this block", else the current value). Code is content-addressed and never
 * deleted, so it is read as is. Made per request: it caches nothing beyond its own reads.
 *
 * @example
 * ```ts
 * const view = new HistoricalStateView(chain.store, 10n) // throws HistoryWindowError outside the window
 * view.getAccount(alice)?.balance // alice's balance after block 10
 * ```
 */
export class HistoricalStateView implements StateView {
  constructor(
    private readonly store: ChainStore,
    readonly block: bigint,
  ) {
    store.checkStateAvailable(block)
  }

  getAccount(address: Address): AccountState | undefined {
    return this.store.accountAt(address, this.block)
  }

  getCode(codeHash: Hex): Uint8Array | undefined {
    if (codeHash.toLowerCase() === EMPTY_CODE_HASH) return EMPTY_CODE
    return this.store.readCode(codeHash)
  }

  getStorage(address: Address, slot: Hex): Hex {
    return this.store.storageAt(address, slot, this.block)
  }
}
