import type { Logger } from '@rollup-mesh/core'
import type { WebSocket } from 'ws'
import { RPCErrorCode } from '../errors.js'
import type { NodeMetrics } from '../metrics/nodeMetrics.js'
import { batchTooLarge, type DispatchOptions, dispatchRPC, errorResponse } from './dispatch.js'
import { scanJSONShape } from './jsonShape.js'
import { nestedDeeperThan, tooDeepError } from './limits.js'
import { responseText } from './responseText.js'
import type { RPCConnection, RPCMethods } from './server.js'

/** What the WebSocket side of the RPC server needs. */
export type WSHandlerParts = {
  methods: RPCMethods
  dispatch: DispatchOptions
  maxDepth: number
  /** The open sockets (the server terminates them on stop). */
  sockets: Set<WebSocket>
  metrics?: NodeMetrics | undefined
  log: Logger
}

/**
 * The WebSocket connection handler of the RPC server: each connection is an `RPCConnection` that
 * subscriptions notify; messages are parsed (-32700), depth-checked and dispatched like HTTP bodies, and
 * the connection's close hooks run when it closes.
 *
 * @example
 * ```ts
 * const wss = new WebSocketServer({ noServer: true })
 * wss.on('connection', createWSHandler({ methods, dispatch: { maxBatchSize: 2_000, log }, maxDepth: 64, sockets: new Set(), log }))
 * ```
 */
export function createWSHandler(p: WSHandlerParts): (ws: WebSocket) => void {
  const { log } = p
  let nextConn = 1
  return (ws) => {
    p.sockets.add(ws)
    const closers: (() => void)[] = []
    const connection: RPCConnection = {
      id: nextConn++,
      notify(method, params) {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ jsonrpc: '2.0', method, params }))
      },
      onClose(fn) {
        closers.push(fn)
      },
    }
    ws.on('message', (data) => {
      const bytes = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data as ArrayBuffer)
      // Over the depth or batch limit: refused from a scan of the bytes, before any parse.
      const over = scanJSONShape(bytes, { maxDepth: p.maxDepth, maxBatchSize: p.dispatch.maxBatchSize })
      if (over) {
        ws.send(
          JSON.stringify(
            'tooDeep' in over
              ? errorResponse(null, tooDeepError(p.maxDepth), log)
              : batchTooLarge(over.batchTooLarge, p.dispatch.maxBatchSize),
          ),
        )
        return
      }
      let payload: unknown
      try {
        payload = JSON.parse(bytes.toString('utf8'))
      } catch {
        ws.send(
          JSON.stringify({
            jsonrpc: '2.0',
            id: null,
            error: { code: RPCErrorCode.parse, message: 'parse error: invalid JSON' },
          }),
        )
        return
      }
      if (nestedDeeperThan(payload, p.maxDepth)) {
        ws.send(JSON.stringify(errorResponse(null, tooDeepError(p.maxDepth), log)))
        return
      }
      p.metrics?.countRequests(payload, p.methods)
      dispatchRPC(payload, p.methods, { connection }, p.dispatch).then(
        (out) => {
          if (out !== undefined && ws.readyState === ws.OPEN) ws.send(responseText(out))
        },
        (err: unknown) => log.error({ err }, 'ws dispatch failed'),
      )
    })
    ws.on('close', () => {
      p.sockets.delete(ws)
      for (const fn of closers) fn()
    })
    ws.on('error', () => undefined)
  }
}
