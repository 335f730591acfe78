/**
 * Resolves on the event loop's next turn (one `setImmediate`: after pending I/O callbacks), not in this
 * microtask queue: what long microtask-only work awaits so other work on the thread (RPC clients, timers)
 * gets in between.
 *
 * @example
 * ```ts
 * import { nextTurn } from '@rollup-mesh/core'
 *
 * let handled = 0
 * for (let i = 0; i < 250; i++) {
 *   if (i > 0 && i % 100 === 0) await nextTurn() // let timers and I/O in every 100 items
 *   handled++
 * }
 * console.log(handled) // 250
 * ```
 */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
