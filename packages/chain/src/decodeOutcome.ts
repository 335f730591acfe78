import type { Hex } from 'viem'
import { TxRejectedError } from './errors.js'
import { decodeSignedTx, type SignedTx } from './tx.js'

/**
 * A signed transaction decoded on a worker thread, as it crosses back to the main thread: the transaction,
 * or the reason and message of its rejection.
 */
export type DecodeOutcome = { ok: SignedTx } | { reason: TxRejectedError['reason']; message: string }

/**
 * Decodes and recovers `raw` into a `DecodeOutcome` (the worker side of `createTxDecoderPool` and of the
 * RPC ingress): a `TxRejectedError` keeps its reason and message, any other failure is `INVALID_ENCODING`.
 *
 * @example
 * ```ts
 * const out = await decodeOutcome('0x02f8…', 901n) // { ok: { hash, from, nonce, … } }
 * const tx = await outcomeResult(out) // the SignedTx, or a TxRejectedError thrown
 * ```
 */
export async function decodeOutcome(raw: Hex, chainId: bigint): Promise<DecodeOutcome> {
  try {
    return { ok: await decodeSignedTx(raw, chainId) }
  } catch (err) {
    if (err instanceof TxRejectedError) return { reason: err.reason, message: err.shortMessage }
    return { reason: 'INVALID_ENCODING', message: `invalid transaction: ${(err as Error).message}` }
  }
}

/** The transaction of an outcome, or its `TxRejectedError` (as a rejected promise). */
export function outcomeResult(outcome: DecodeOutcome): Promise<SignedTx> {
  return 'ok' in outcome
    ? Promise.resolve(outcome.ok)
    : Promise.reject(new TxRejectedError(outcome.reason, outcome.message))
}
