import { DoubleSignRefusedError } from './errors.js'
import type { RoundStep, Value } from './types.js'

/** What a validator is about to sign. */
export type SignRequest = {
  readonly height: number
  readonly round: number
  readonly step: RoundStep
  /** The proposed or voted value; null for a nil vote. */
  readonly value: Value | null
}

/** What the guard keeps: the last signed (height, round, step, value) and the lock held when signing. */
export type SigningState = SignRequest & { readonly lockedValue: Value | null; readonly lockedRound: number }

/**
 * Double-sign protection, as CometBFT's privval `LastSignState`: before a proposal or vote leaves, the node
 * asks the guard, which refuses anything at or before the last signed (height, round, step) unless it is
 * that very message again, and records (durably, for the file guard) the new position and the lock
 * before returning. After a restart the node reads `state` back and re-applies the lock
 * (`createConsensusState(params, height, restore)`).
 *
 * @example
 * ```ts
 * guard.authorize({ height: 5, round: 0, step: 'prevote', value }, { lockedValue: null, lockedRound: -1 })
 * // now sign and send; a later authorize of a different prevote at (5, 0) throws DOUBLE_SIGN_REFUSED
 * ```
 */
export interface SigningGuard {
  readonly state: SigningState | null
  authorize(request: SignRequest, lock: { lockedValue: Value | null; lockedRound: number }): void
}

const ORDER: Record<RoundStep, number> = { propose: 1, prevote: 2, precommit: 3 }

/** Throws `DoubleSignRefusedError` when signing `req` after `last` could conflict; true when it is a re-sign. */
export function checkSignRequest(last: SigningState | null, req: SignRequest): boolean {
  if (!last) return false
  const cmp = req.height - last.height || req.round - last.round || ORDER[req.step] - ORDER[last.step]
  if (cmp > 0) return false
  const at = `(height ${req.height}, round ${req.round}, ${req.step})`
  const lastAt = `(height ${last.height}, round ${last.round}, ${last.step})`
  if (cmp < 0)
    throw new DoubleSignRefusedError(`Refusing to sign ${at}: this validator already signed ${lastAt}.`)
  if (req.value !== last.value)
    throw new DoubleSignRefusedError(
      `Refusing to sign ${at} for ${req.value ?? 'nil'}: it already signed ${last.value ?? 'nil'} there.`,
    )
  return true
}

/** The guard for tests and simulations: same rules, memory only (lost on a crash). */
export function createMemorySigningGuard(initial: SigningState | null = null): SigningGuard {
  let state = initial
  return {
    get state() {
      return state
    },
    authorize(request, lock) {
      if (checkSignRequest(state, request)) return
      state = { ...request, ...lock }
    },
  }
}
