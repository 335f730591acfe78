import { RPCError } from '../errors.js'
import type { ReadPool } from './readPool.js'
import { SerializedResult } from './responseText.js'
import type { RPCMethods } from './server.js'

/** Sends the read methods a pool serves to it (`dispatchRPC`'s `reads`). */
export type ReadRouter = {
  /** The answer's promise when the read workers take `method`; undefined: the main thread runs it. */
  route(method: string, params: readonly unknown[]): Promise<unknown> | undefined
}

export type ReadRouterInit = {
  pool: ReadPool
  /** The methods the workers answer (a subset of `READ_METHOD_NAMES` the node did not replace). */
  served: Iterable<string>
  /** The main thread's methods: they answer a worker's `miss`. */
  methods: RPCMethods
  /** Requests the main thread answers at once, cheaper than a worker round trip (a pooled transaction). */
  local?: (method: string, params: readonly unknown[]) => boolean
  /** Called for each read served: by a worker, or by the main thread (`local`, or a worker's `miss`). */
  answered?: (thread: 'worker' | 'main') => void
}

/**
 * Routes the read methods `served` to the read workers: their answer comes back as JSON text or bytes (a
 * memoized block's, in shared memory) in a `SerializedResult`, an RPC error is thrown as the main thread's
 * would be, and a `miss` (a transaction the store lacks, a stopped worker) is answered by the main thread's
 * method, as without workers.
 *
 * @example
 * ```ts
 * const reads = createReadRouter({ pool, served: READ_METHOD_NAMES, methods, local: (m, p) => chain.mempool.has(p[0] as Hex) })
 * createRPCServer(methods, { reads })
 * ```
 */
export function createReadRouter(init: ReadRouterInit): ReadRouter {
  const served = new Set(init.served)
  const { pool, methods, local } = init
  const answered = init.answered ?? (() => undefined)
  return {
    route(method, params) {
      if (!served.has(method)) return undefined
      if (local?.(method, params)) {
        answered('main')
        return undefined
      }
      return pool.call(method, params).then((answer) => {
        answered('miss' in answer ? 'main' : 'worker')
        if ('json' in answer) return new SerializedResult(answer.json)
        if ('bytes' in answer) return new SerializedResult(answer.bytes)
        if ('error' in answer) {
          const { code, message, data } = answer.error
          throw new RPCError(code, message, data !== undefined ? { data } : {})
        }
        return (methods[method] as RPCMethods[string])(params, {})
      })
    },
  }
}
