/**
 * Lets the event loop turn (one `setImmediate`) at least every `everyMs` of a long run of microtask-only
 * work, such as executing a block: a node's RPC shares the thread that executes, and would otherwise stop
 * answering (and accepting transactions) until the block is done. `everyMs` 0 never yields.
 */
export class EventLoopYield {
  private next: number

  constructor(private readonly everyMs: number) {
    this.next = everyMs > 0 ? performance.now() + everyMs : Number.POSITIVE_INFINITY
  }

  /** Yields if `everyMs` has passed since the last turn (cheap otherwise: one clock read). */
  async maybe(): Promise<void> {
    if (performance.now() < this.next) return
    await new Promise<void>((resolve) => setImmediate(resolve))
    this.next = performance.now() + this.everyMs
  }
}

/** How often executors let the event loop turn while they execute a block, in ms. */
export const DEFAULT_YIELD_EVERY_MS = 5
