import { RPCError, RPCErrorCode } from '../errors.js'
import type { RPCConnection, RPCMethods } from './server.js'

/**
 * What one client may ask of the RPC server, beyond the body size and batch length `RPCServerOptions`
 * already bound (documented in chain's README, "RPC limits").
 */
export type RPCLimits = {
  /** Deepest nesting of arrays and objects in a request (the envelope counts). Default 64. */
  maxDepth: number
  /** Open WebSocket connections per client address. Default 128. */
  maxConnectionsPerClient: number
  /** Live `eth_subscribe` subscriptions per WebSocket connection. Default 256. */
  maxSubscriptionsPerConnection: number
  /** Longest error message sent back (longer ones are cut, so echoed input cannot inflate answers). Default 1,024. */
  maxErrorMessageChars: number
  /** A request (HTTP body or WebSocket message) this large goes through the large-request lane (`heavyLane.ts`). Default 256 KiB. */
  heavyRequestBytes: number
  /** A batch this long goes through the large-request lane. Default 100. */
  heavyBatchLength: number
  /** The share of wall time failing large requests may take while small ones are flowing (charged for their errors). Default 0.25. */
  heavyShare: number
  /** A large request that would wait longer than this for its turn is refused (HTTP 429 / -32005). Default 1,000 ms. */
  heavyMaxWaitMs: number
  /** Small requests count as flowing (the lane rations large ones) when one arrived this recently. Default 250 ms. */
  heavyBusyWindowMs: number
  /** A large HTTP body whose turn came must be received within this (HTTP 408 otherwise, the turn freed). Default 10,000 ms. */
  heavyReadTimeoutMs: number
}

export const defaultRPCLimits: RPCLimits = {
  maxDepth: 64,
  maxConnectionsPerClient: 128,
  maxSubscriptionsPerConnection: 256,
  maxErrorMessageChars: 1_024,
  heavyRequestBytes: 256 * 1024,
  heavyBatchLength: 100,
  heavyShare: 0.25,
  heavyMaxWaitMs: 1_000,
  heavyBusyWindowMs: 250,
  heavyReadTimeoutMs: 10_000,
}

/**
 * Whether `value` (a parsed JSON payload) nests arrays and objects deeper than `max`. Iterative, so a
 * hostile 100,000-deep payload costs a walk, not the stack.
 *
 * @example
 * ```ts
 * nestedDeeperThan(JSON.parse('[[[1]]]'), 2) // true
 * nestedDeeperThan({ jsonrpc: '2.0', params: [1] }, 2) // false
 * ```
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]]
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number]
    if (typeof v !== 'object' || v === null) continue
    if (depth > max) return true
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1])
    }
  }
  return false
}

/** The JSON-RPC error for a payload nested deeper than the limit. */
export function tooDeepError(max: number): RPCError {
  return new RPCError(RPCErrorCode.invalidRequest, `invalid request: nested deeper than ${max} levels`, {
    code: 'RPC_TOO_DEEP',
  })
}

/** An error message cut to `max` characters (with how much was cut). */
export function clampMessage(message: string, max: number): string {
  return message.length <= max
    ? message
    : `${message.slice(0, max)}… (${message.length - max} more characters)`
}

/** Counts open WebSocket connections per client address. */
export class ConnectionCounter {
  readonly #open = new Map<string, number>()
  constructor(readonly max: number) {}

  /** Takes a slot for `address`; false when it already holds `max`. */
  acquire(address: string): boolean {
    const n = this.#open.get(address) ?? 0
    if (n >= this.max) return false
    this.#open.set(address, n + 1)
    return true
  }

  release(address: string): void {
    const n = (this.#open.get(address) ?? 1) - 1
    if (n <= 0) this.#open.delete(address)
    else this.#open.set(address, n)
  }
}

/**
 * Wraps `eth_subscribe` / `eth_unsubscribe`: at most `max` live subscriptions per connection (-32005 beyond,
 * as geth's limit errors), and a connection may only cancel its own subscriptions (ids are sequential, so
 * another client could otherwise guess and cancel them). Other methods are returned unchanged.
 */
export function limitSubscriptions(methods: RPCMethods, max: number): RPCMethods {
  const subscribe = methods.eth_subscribe
  const unsubscribe = methods.eth_unsubscribe
  if (!subscribe || !unsubscribe) return methods
  const owned = new WeakMap<RPCConnection, Set<string>>()
  const idsOf = (conn: RPCConnection): Set<string> => {
    let ids = owned.get(conn)
    if (!ids) {
      ids = new Set()
      owned.set(conn, ids)
    }
    return ids
  }
  return {
    ...methods,
    // synchronous up to the count, so the requests of one batch (dispatched together) see each other's
    eth_subscribe: (params, ctx) => {
      const conn = ctx.connection
      if (conn && idsOf(conn).size >= max)
        throw new RPCError(
          RPCErrorCode.limitExceeded,
          `too many subscriptions: ${max} per connection; eth_unsubscribe some first`,
          { code: 'RPC_SUBSCRIPTION_LIMIT' },
        )
      const id = subscribe(params, ctx)
      if (conn && typeof id === 'string') {
        const ids = idsOf(conn)
        ids.add(id.toLowerCase())
        conn.onClose(() => ids.delete(id.toLowerCase()))
      }
      return id
    },
    eth_unsubscribe: async (params, ctx) => {
      const conn = ctx.connection
      const id = params[0]
      // another connection's subscription: answered as an unknown id (the method checks the parameter)
      if (conn && params.length === 1 && typeof id === 'string' && !idsOf(conn).has(id.toLowerCase()))
        return false
      const done = await unsubscribe(params, ctx)
      if (conn && done === true && typeof id === 'string') idsOf(conn).delete(id.toLowerCase())
      return done
    },
  }
}
