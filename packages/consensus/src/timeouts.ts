import type { TimeoutKind } from './types.js'

/** Round timeouts: `base + perRound × round` milliseconds, so a slow network is eventually outwaited. */
export type TimeoutParams = {
  readonly [K in TimeoutKind]: { readonly baseMs: number; readonly perRoundMs: number }
}

/** CometBFT's defaults (config.toml: timeout_propose 3s +0.5s, prevote/precommit 1s +0.5s per round). */
export const defaultTimeoutParams: TimeoutParams = {
  propose: { baseMs: 3_000, perRoundMs: 500 },
  prevote: { baseMs: 1_000, perRoundMs: 500 },
  precommit: { baseMs: 1_000, perRoundMs: 500 },
}

/**
 * How long to wait for `kind` in `round`; grows linearly per round (Tendermint's liveness argument needs
 * only that it grows without bound, so that after GST some round's timeouts exceed the message delay).
 *
 * @example
 * ```ts
 * timeoutDuration(defaultTimeoutParams, 'propose', 2) // 4000
 * ```
 */
export function timeoutDuration(params: TimeoutParams, kind: TimeoutKind, round: number): number {
  const t = params[kind]
  return t.baseMs + t.perRoundMs * round
}
