import type { Hex } from 'viem'
import type { StoredHeader } from './block.js'
import type { ChainSnapshot, RewindHook } from './chainTypes.js'
import type { Mempool } from './mempool.js'
import type { ChainStore } from './store.js'
import { ChainRewindError } from './storeErrors.js'

/** Where the chain stands now (the persisted pool flushed and included), for a later rewind. */
export function takeChainSnapshot(
  store: ChainStore,
  mempool: Mempool,
  head: StoredHeader,
  stateRoot: Hex | undefined,
): ChainSnapshot {
  mempool.flushNow()
  return { block: head.number, version: store.stateVersion(), pool: store.poolAll(), stateRoot }
}

/**
 * The store side of `Chain.rewind`: refuses a snapshot ahead of the head or one a hook's `check` refuses
 * (nothing changed), then rewinds the store's tables and every hook's in one store transaction.
 */
export function rewindChainStore(
  parts: { store: ChainStore; mempool: Mempool; hooks: readonly RewindHook[] },
  head: StoredHeader,
  to: ChainSnapshot,
): void {
  if (to.block > head.number)
    throw new ChainRewindError(`Cannot rewind to block ${to.block}: the head is block ${head.number}.`)
  for (const hook of parts.hooks) hook.check?.(to.block)
  parts.mempool.flushNow()
  parts.store.transaction(() => {
    parts.store.rewind(to.block, to.version, to.pool)
    for (const hook of parts.hooks) hook.rewind(to.block)
  })
}
