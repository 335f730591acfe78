/**
 * The first line of an error's message (for a `BaseError`, its short message), for log fields and peer
 * rejection reasons: what failed, without the detail lines under it.
 *
 * @example
 * ```ts
 * import { errorLine } from './errorLine.js'
 *
 * errorLine(new Error('bad certificate\n- signer 3 is not in the set')) // 'bad certificate'
 * errorLine('a thrown string') // 'a thrown string'
 * ```
 */
export function errorLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''
}
