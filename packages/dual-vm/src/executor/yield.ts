import { nextTurn } from '@rollup-mesh/core'

/**
 * Lets the event loop turn (one `setImmediate`) at least every `everyMs` of a long run of microtask-only
 * work, such as executing a block: a node's RPC shares the thread that executes, and would otherwise stop
 * answering (and accepting transactions) until the block is done. `everyMs` 0 never yields.
 *
 *   if (turn.due()) await turn.take()
 *
 * `due()` is one clock read, so the check costs nothing per transaction (an async check would cost a
 * promise each time).
 */
export class EventLoopYield {
  private next: number

  constructor(private readonly everyMs: number = DEFAULT_YIELD_EVERY_MS) {
    this.next = everyMs > 0 ? performance.now() + everyMs : Number.POSITIVE_INFINITY
  }

  /** Whether `everyMs` has passed since the last turn. */
  due(): boolean {
    return performance.now() >= this.next
  }

  /** One turn of the event loop. */
  async take(): Promise<void> {
    await nextTurn()
    this.next = performance.now() + this.everyMs
  }
}

/** How often executors let the event loop turn while they execute a block, in ms. */
export const DEFAULT_YIELD_EVERY_MS = 5
