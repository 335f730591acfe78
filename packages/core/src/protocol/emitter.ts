/** Called with what a listener threw; the emitter has already gone on to the next listener. */
export type ListenerErrorHandler = (err: unknown, event: string) => void

/**
 * A typed event bus (lodestar's typed event maps) with one rule for a listener that throws: the error
 * never reaches the code that emitted (a block is sealed, a gossip message accepted, whatever listens),
 * the remaining listeners still run, and the error goes to `onListenerError` — a node passes its logger.
 *
 * @example
 * ```ts
 * import { TypedEmitter } from '@rollup-mesh/core'
 * const events = new TypedEmitter<{ block: { number: bigint } }>({
 *   onListenerError: (err, event) => console.error(event, err),
 * })
 * const off = events.on('block', (b) => console.log('block', b.number))
 * events.emit('block', { number: 1n })
 * off()
 * ```
 */
export class TypedEmitter<Events extends Record<string, unknown>> {
  private readonly listeners: { [K in keyof Events]?: Set<(payload: Events[K]) => void> } = {}
  private readonly onListenerError: ListenerErrorHandler

  constructor(options: { onListenerError: ListenerErrorHandler }) {
    this.onListenerError = options.onListenerError
  }

  /** Adds `fn`; returns the function that removes it. */
  on<K extends keyof Events>(event: K, fn: (payload: Events[K]) => void): () => void {
    let set = this.listeners[event]
    if (!set) {
      set = new Set()
      this.listeners[event] = set
    }
    set.add(fn)
    return () => this.off(event, fn)
  }

  off<K extends keyof Events>(event: K, fn: (payload: Events[K]) => void): void {
    this.listeners[event]?.delete(fn)
  }

  /** Calls every listener of `event` in the order they were added; see the class doc for a throwing one. */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners[event]
    if (!set) return
    for (const fn of set) {
      try {
        fn(payload)
      } catch (err) {
        this.onListenerError(err, String(event))
      }
    }
  }

  listenerCount<K extends keyof Events>(event: K): number {
    return this.listeners[event]?.size ?? 0
  }
}
