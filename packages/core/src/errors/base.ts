/**
 * The root of rollup-mesh's error hierarchy, shaped like viem's `BaseError`:
 * a short message a person can act on, optional details and meta messages,
 * a `cause` chain that `walk()` follows, and a stable `code` so that errors
 * log as data (lodestar's `LodestarError<{code}>`).
 */
export type BaseErrorParameters = {
  /** Stable machine-readable code, e.g. `CONFIG_INVALID`. */
  code?: string | undefined
  cause?: unknown
  details?: string | undefined
  metaMessages?: string[] | undefined
  name?: string | undefined
}

export class BaseError extends Error {
  override name = 'BaseError'
  readonly code: string
  readonly shortMessage: string
  readonly details: string
  readonly metaMessages: string[] | undefined

  constructor(shortMessage: string, args: BaseErrorParameters = {}) {
    const details =
      args.details ??
      (args.cause instanceof BaseError
        ? args.cause.details
        : args.cause instanceof Error
          ? args.cause.message
          : '')
    const message = [
      shortMessage || 'An error occurred.',
      '',
      ...(args.metaMessages ? [...args.metaMessages, ''] : []),
      ...(details ? [`Details: ${details}`] : []),
    ]
      .join('\n')
      .trimEnd()
    super(message, args.cause !== undefined ? { cause: args.cause } : undefined)
    this.shortMessage = shortMessage
    this.details = details
    this.metaMessages = args.metaMessages
    this.code = args.code ?? 'UNKNOWN'
    if (args.name) this.name = args.name
  }

  /**
   * Walks the `cause` chain. Without a predicate it returns the deepest error;
   * with one it returns the first error (this one included) that matches, or null.
   */
  walk(): unknown
  walk(fn: (err: unknown) => boolean): unknown | null
  walk(fn?: (err: unknown) => boolean): unknown {
    return walk(this, fn)
  }

  /** A plain object for structured logs (pino serialises it as data). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      shortMessage: this.shortMessage,
      details: this.details || undefined,
      metaMessages: this.metaMessages,
    }
  }
}

function walk(err: unknown, fn?: (err: unknown) => boolean): unknown {
  if (fn?.(err)) return err
  if (err && typeof err === 'object' && 'cause' in err && err.cause !== undefined) return walk(err.cause, fn)
  return fn ? null : err
}
