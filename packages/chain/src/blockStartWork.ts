import type { Chain } from './chain.js'

/** Says whether the block-start hook has transactions waiting for the next block (e.g. queued deliveries). */
export type PendingBlockStartWork = () => boolean

const registered = new WeakMap<Chain, PendingBlockStartWork>()

/**
 * Registers what tells the block producer that the block-start hook (`Chain.setBlockStartHook`) has work
 * queued: with sub-second blocks a tick then seals ahead of the wall clock, as it does for waiting pool
 * transactions (`producer.ts:shouldSealAt`), instead of waiting for the next second. `undefined` removes it.
 * Kept beside the chain (not in it) so the producer and the hook's owner meet without a new `Chain` field.
 *
 * @example
 * ```ts
 * setPendingBlockStartWork(chain, () => inbox.queued(1).length > 0)
 * hasPendingBlockStartWork(chain) // true while a delivery is queued
 * setPendingBlockStartWork(chain, undefined) // the service stopped
 * ```
 */
export function setPendingBlockStartWork(chain: Chain, pending: PendingBlockStartWork | undefined): void {
  if (pending) registered.set(chain, pending)
  else registered.delete(chain)
}

/** Whether the registered hook says block-start work waits (false when none is registered or it throws). */
export function hasPendingBlockStartWork(chain: Chain): boolean {
  const pending = registered.get(chain)
  if (!pending) return false
  try {
    return pending()
  } catch {
    // a failing check never stalls or forces block production: the next second's block takes the work
    return false
  }
}
