import type { Logger } from '@rollup-mesh/core'
import type { WebSocket } from 'ws'
import { RPCErrorCode } from '../errors.js'
import type { NodeMetrics } from '../metrics/nodeMetrics.js'
import { batchTooLarge, type DispatchOptions, dispatchRPC, errorResponse } from './dispatch.js'
import { errorShareOf, type HeavyLane, isLargeRequest, laneBusyError, type Release } from './heavyLane.js'
import { scanJSONShape, shapeRefusal } from './jsonShape.js'
import { nestedDeeperThan, type RPCLimits, tooDeepError } from './limits.js'
import { responseText } from './responseText.js'
import type { RPCConnection, RPCMethods } from './server.js'

/** What the WebSocket side of the RPC server needs. */
export type WSHandlerParts = {
  methods: RPCMethods
  dispatch: DispatchOptions
  /** Nesting depth and what makes a message large (`heavyRequestBytes`, `heavyBatchLength`, `heavyMaxWaitMs`). */
  limits: Pick<RPCLimits, 'maxDepth' | 'heavyRequestBytes' | 'heavyBatchLength' | 'heavyMaxWaitMs'>
  /** Where large messages wait their turn (`createHeavyLane`), shared with the HTTP side. */
  lane: HeavyLane
  /** The open sockets (the server terminates them on stop). */
  sockets: Set<WebSocket>
  metrics?: NodeMetrics | undefined
  log: Logger
}

/**
 * The WebSocket connection handler of the RPC server: each connection is an `RPCConnection` that
 * subscriptions notify; messages are parsed (-32700), depth-checked and dispatched like HTTP bodies, and
 * the connection's close hooks run when it closes. A large message (`heavyRequestBytes`, or a batch of
 * `heavyBatchLength`) waits its turn in the large-request lane (`heavyLane.ts`), or is answered -32005 when
 * the lane is full.
 *
 * @example
 * ```ts
 * const lane = createHeavyLane({ share: 0.25, maxWaitMs: 1_000, maxWaiting: 16, busyWindowMs: 250 })
 * const wss = new WebSocketServer({ noServer: true })
 * wss.on('connection', createWSHandler({ methods, dispatch: { maxBatchSize: 2_000, log }, limits: defaultRPCLimits, lane, sockets: new Set(), log }))
 * ```
 */
export function createWSHandler(p: WSHandlerParts): (ws: WebSocket) => void {
  const { log, lane, limits } = p
  const { maxDepth } = limits
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
    /** Parses and dispatches one message; `release` ends its turn in the lane (charged for its errors). */
    const run = (bytes: Buffer, release: Release): void => {
      if (ws.readyState !== ws.OPEN) {
        release()
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
        release()
        return
      }
      if (nestedDeeperThan(payload, maxDepth)) {
        ws.send(JSON.stringify(errorResponse(null, tooDeepError(maxDepth), log)))
        release()
        return
      }
      p.metrics?.countRequests(payload, p.methods)
      dispatchRPC(payload, p.methods, { connection }, p.dispatch).then(
        (out) => {
          try {
            if (out !== undefined && ws.readyState === ws.OPEN) ws.send(responseText(out))
          } finally {
            release(errorShareOf(out)) // whatever the send did, the turn ends
          }
        },
        (err: unknown) => {
          log.error({ err }, 'ws dispatch failed')
          release(1)
        },
      )
    }
    ws.on('message', (data) => {
      const bytes = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data as ArrayBuffer)
      // Over the depth or batch limit: refused from a scan of the bytes, before any parse.
      const shape = scanJSONShape(bytes, { maxDepth, maxBatchSize: p.dispatch.maxBatchSize })
      const over = shapeRefusal(shape)
      if (over) {
        ws.send(
          JSON.stringify(
            'tooDeep' in over
              ? errorResponse(null, tooDeepError(maxDepth), log)
              : batchTooLarge(over.batchTooLarge, p.dispatch.maxBatchSize),
          ),
        )
        return
      }
      if (!isLargeRequest(bytes.length, shape, limits)) {
        lane.noteLight()
        run(bytes, nothing)
        return
      }
      const turn = lane.enter()
      if (turn) turn.then((release) => run(bytes, release))
      else
        ws.send(JSON.stringify(errorResponse(null, laneBusyError({ maxWaitMs: limits.heavyMaxWaitMs }), log)))
    })
    ws.on('close', () => {
      p.sockets.delete(ws)
      for (const fn of closers) fn()
    })
    ws.on('error', () => undefined)
  }
}

const nothing = (): void => undefined
