import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Logger, Startable } from '@rollup-mesh/core'
import { createSilentLogger } from '@rollup-mesh/core'
import { type WebSocket, WebSocketServer } from 'ws'
import { RPCError, RPCErrorCode } from '../errors.js'
import type { NodeMetrics } from '../metrics/nodeMetrics.js'
import { isMetricsRequest, serveMetrics } from '../metrics/serveMetrics.js'
import { createHostPolicy, isWildcardHost } from './hostPolicy.js'
import { isJSONContentType, JSON_CONTENT_TYPES } from './jsonContentType.js'
import {
  ConnectionCounter,
  clampMessage,
  defaultRPCLimits,
  limitSubscriptions,
  nestedDeeperThan,
  type RPCLimits,
  tooDeepError,
} from './limits.js'
import { createOriginPolicy } from './originPolicy.js'
import {
  isLoopbackHost,
  isUnsafeMethod,
  type UnsafeMethodsPolicy,
  unsafeMethodRefused,
  unsafeMethodsPolicy,
} from './unsafeMethods.js'

/** One client connection: HTTP requests have none, WebSocket ones can push notifications. */
export type RPCConnection = {
  readonly id: number
  /** Sends a notification (WebSocket only). */
  notify(method: string, params: unknown): void
  /** Runs when the connection closes. */
  onClose(fn: () => void): void
}

export type RPCContext = { connection?: RPCConnection }

export type RPCMethod = (params: readonly unknown[], ctx: RPCContext) => unknown

export type RPCMethods = Record<string, RPCMethod>

export type RPCServerOptions = {
  /** Default 127.0.0.1. */
  host?: string
  /** 0 asks the OS for a free port. Default 0. */
  port?: number
  /** Largest request body (HTTP) or message (WS). Default 16 MiB. */
  maxBodyBytes?: number
  /** Most requests in one batch. Default 2,000. */
  maxBatchSize?: number
  /**
   * Browser origins allowed to read answers (CORS) and open WebSockets (`*`: any). Default none: a
   * request carrying any other `Origin` is refused; requests without one (not a browser) pass.
   */
  corsOrigins?: readonly string[] | undefined
  /**
   * `Host` names accepted besides `localhost`, `127.0.0.1`, `[::1]` and the bound address (`*`: any);
   * the DNS-rebinding guard.
   */
  allowedHosts?: readonly string[] | undefined
  /** A dev network: the unsafe methods (see `isUnsafeMethod`) may answer. Default true. */
  dev?: boolean | undefined
  /** Let the unsafe methods answer on a non-loopback bind too. Default false. */
  allowUnsafe?: boolean | undefined
  /** Nesting depth, WebSocket connections per client, subscriptions per connection, error length (`limits.ts`). */
  limits?: Partial<RPCLimits> | undefined
  /** The node's metrics: served on `GET /metrics` (same Host and Origin rules), RPC requests counted. */
  metrics?: NodeMetrics | undefined
  logger?: Logger
}

export type RPCServer = Startable & {
  /** `http://host:port` once started. */
  readonly url: string
  /** `ws://host:port` once started. */
  readonly wsUrl: string
  readonly port: number
  /** Whether the unsafe methods answer (dev network, loopback bind or `allowUnsafe`). */
  readonly unsafeMethods: UnsafeMethodsPolicy
}

type JSONRPCRequest = { jsonrpc: '2.0'; id?: string | number | null; method: string; params?: unknown }
type JSONRPCResponse =
  | { jsonrpc: '2.0'; id: string | number | null; result: unknown }
  | { jsonrpc: '2.0'; id: string | number | null; error: { code: number; message: string; data?: unknown } }

function errorResponse(id: string | number | null, err: unknown, log: Logger): JSONRPCResponse {
  if (err instanceof RPCError) {
    return {
      jsonrpc: '2.0',
      id,
      error: {
        code: err.rpcCode,
        message: clampMessage(err.shortMessage, defaultRPCLimits.maxErrorMessageChars),
        ...(err.data !== undefined ? { data: err.data } : {}),
      },
    }
  }
  log.error({ err }, 'internal error in RPC method')
  return { jsonrpc: '2.0', id, error: { code: RPCErrorCode.internal, message: 'internal error' } }
}

/** Whether an `Origin` names the very host the request was sent to (`http://<Host>`). */
function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined || host === undefined) return false
  try {
    const url = new URL(origin)
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && url.host === new URL(`http://${host}`).host
    )
  } catch {
    return false
  }
}

/**
 * Dispatches one parsed JSON-RPC payload (a request or a batch) to `methods`.
 * Returns undefined when nothing is to be sent (notifications only).
 */
export async function dispatchRPC(
  payload: unknown,
  methods: RPCMethods,
  ctx: RPCContext,
  opts: { maxBatchSize: number; log: Logger; unsafe?: UnsafeMethodsPolicy | undefined },
): Promise<JSONRPCResponse | JSONRPCResponse[] | undefined> {
  if (Array.isArray(payload)) {
    if (payload.length === 0)
      return errorResponse(null, new RPCError(RPCErrorCode.invalidRequest, 'empty batch'), opts.log)
    if (payload.length > opts.maxBatchSize)
      return errorResponse(
        null,
        new RPCError(
          RPCErrorCode.invalidRequest,
          `batch too large: ${payload.length} requests, limit ${opts.maxBatchSize}`,
        ),
        opts.log,
      )
    const out = await Promise.all(payload.map((r) => dispatchOne(r, methods, ctx, opts.log, opts.unsafe)))
    const responses = out.filter((r): r is JSONRPCResponse => r !== undefined)
    return responses.length ? responses : undefined
  }
  return dispatchOne(payload, methods, ctx, opts.log, opts.unsafe)
}

async function dispatchOne(
  req: unknown,
  methods: RPCMethods,
  ctx: RPCContext,
  log: Logger,
  unsafe: UnsafeMethodsPolicy | undefined,
): Promise<JSONRPCResponse | undefined> {
  if (typeof req !== 'object' || req === null || Array.isArray(req))
    return errorResponse(
      null,
      new RPCError(RPCErrorCode.invalidRequest, 'invalid request: expected an object'),
      log,
    )
  const r = req as Partial<JSONRPCRequest>
  const hasId = 'id' in r
  const id = r.id
  if (hasId && id !== null && typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id)))
    return errorResponse(
      null,
      new RPCError(RPCErrorCode.invalidRequest, 'invalid request: id must be a string, number or null'),
      log,
    )
  const rid = (id ?? null) as string | number | null
  if (r.jsonrpc !== '2.0')
    return errorResponse(
      rid,
      new RPCError(RPCErrorCode.invalidRequest, 'invalid request: jsonrpc must be "2.0"'),
      log,
    )
  if (typeof r.method !== 'string' || r.method.length === 0)
    return errorResponse(
      rid,
      new RPCError(RPCErrorCode.invalidRequest, 'invalid request: method must be a string'),
      log,
    )
  if (r.params !== undefined && r.params !== null && !Array.isArray(r.params))
    return errorResponse(
      rid,
      new RPCError(RPCErrorCode.invalidParams, 'invalid params: expected an array of positional parameters'),
      log,
    )
  const method = Object.hasOwn(methods, r.method) ? methods[r.method] : undefined
  let response: JSONRPCResponse
  if (unsafe && !unsafe.exposed && isUnsafeMethod(r.method)) {
    response = errorResponse(rid, unsafeMethodRefused(r.method, unsafe), log)
  } else if (!method) {
    response = errorResponse(
      rid,
      new RPCError(RPCErrorCode.methodNotFound, `the method ${r.method} does not exist/is not available`),
      log,
    )
  } else {
    try {
      const result = await method((r.params as unknown[] | undefined) ?? [], ctx)
      response = { jsonrpc: '2.0', id: rid, result: result === undefined ? null : result }
    } catch (err) {
      response = errorResponse(rid, err, log)
    }
  }
  // A request without an id is a notification: no response.
  return hasId ? response : undefined
}

/**
 * The JSON-RPC server: HTTP POST and WebSocket on one port (like anvil and
 * geth), single and batch requests, strict parsing, body size limits, and
 * the rules that keep a web page out: JSON bodies only (415 otherwise), the
 * `Host` allow-list (403: DNS rebinding), the `Origin` allow-list for CORS
 * and WebSocket upgrades (403; off by default), and the unsafe methods
 * (signing, dev methods) refused unless `unsafeMethodsPolicy` exposes them.
 *
 * @example
 * ```ts
 * import { createRPCServer } from '@rollup-mesh/chain'
 *
 * const rpc = createRPCServer({ eth_chainId: () => '0x385' }, { port: 0 })
 * await rpc.start()
 * await fetch(rpc.url, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
 * }) // {"jsonrpc":"2.0","id":1,"result":"0x385"}
 * await rpc.stop()
 * ```
 */
export function createRPCServer(served: RPCMethods, options: RPCServerOptions = {}): RPCServer {
  const limits: RPCLimits = { ...defaultRPCLimits, ...options.limits }
  const methods = limitSubscriptions(served, limits.maxSubscriptionsPerConnection)
  const wsClients = new ConnectionCounter(limits.maxConnectionsPerClient)
  const host = options.host ?? '127.0.0.1'
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024
  const maxBatchSize = options.maxBatchSize ?? 2_000
  const log = (options.logger ?? createSilentLogger()).child({ module: 'rpc' })
  const hostPolicy = createHostPolicy({ bindHost: host, allowedHosts: options.allowedHosts ?? [] })
  const originPolicy = createOriginPolicy(options.corsOrigins ?? [])
  const unsafe = unsafeMethodsPolicy({ dev: options.dev ?? true, host, allowUnsafe: options.allowUnsafe })
  // A wildcard bind is reached at 127.0.0.1 from this machine.
  const urlHost = isWildcardHost(host)
    ? host.includes(':')
      ? '[::1]'
      : '127.0.0.1'
    : host.includes(':') && !host.startsWith('[')
      ? `[${host}]`
      : host
  let server: Server | undefined
  let wss: WebSocketServer | undefined
  let port = 0
  let nextConn = 1
  const sockets = new Set<WebSocket>()

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }

  const refuse = (res: ServerResponse, status: number, code: number, message: string): void => {
    send(res, status, { jsonrpc: '2.0', id: null, error: { code, message } })
  }

  /** Why a request's `Host` or `Origin` is refused (HTTP and WebSocket alike); undefined when allowed. */
  const forbidden = (req: IncomingMessage): string | undefined => {
    if (!hostPolicy.allows(req.headers.host))
      return `invalid host specified: "${req.headers.host}" is not one of this RPC's host names (${hostPolicy.hosts.join(', ')}); a guard against DNS rebinding. Add it with --rpc-allowed-hosts (rpc.allowedHosts)`
    const origin = req.headers.origin
    // A page the node itself serves is same-origin (browsers send Origin on every POST and upgrade); its
    // Host already passed the allow-list above.
    if (!originPolicy.allows(origin) && !isSameOrigin(origin, req.headers.host))
      return `origin "${origin}" is not allowed: ${originPolicy.origins.length ? `allowed origins are ${originPolicy.origins.join(', ')}` : 'no browser origin is allowed'}. Allow it with --cors <origins> (rpc.corsOrigins)`
    return undefined
  }

  const onHTTP = (req: IncomingMessage, res: ServerResponse): void => {
    const refusal = forbidden(req)
    if (refusal) {
      log.debug({ host: req.headers.host, origin: req.headers.origin }, 'RPC request refused')
      refuse(res, 403, RPCErrorCode.invalidRequest, refusal)
      req.resume()
      return
    }
    const corsHeaders = originPolicy.corsHeaders(req.headers.origin)
    for (const [k, v] of Object.entries(corsHeaders ?? {})) res.setHeader(k, v)
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end()
      return
    }
    if (options.metrics && isMetricsRequest(req)) {
      serveMetrics(options.metrics, res)
      return
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST')
      refuse(res, 405, RPCErrorCode.invalidRequest, 'use POST')
      return
    }
    if (!isJSONContentType(req.headers['content-type'])) {
      refuse(
        res,
        415,
        RPCErrorCode.invalidRequest,
        `invalid content type ${req.headers['content-type'] === undefined ? '(none)' : `"${req.headers['content-type']}"`}: only ${JSON_CONTENT_TYPES.join(', ')} is accepted`,
      )
      req.resume()
      return
    }
    const declared = Number(req.headers['content-length'] ?? 0)
    const tooLarge = (): void => {
      res.setHeader('connection', 'close')
      send(res, 413, {
        jsonrpc: '2.0',
        id: null,
        error: {
          code: RPCErrorCode.invalidRequest,
          message: `request body too large: limit ${maxBody} bytes`,
        },
      })
      req.destroy()
    }
    if (declared > maxBody) {
      tooLarge()
      return
    }
    const chunks: Buffer[] = []
    let received = 0
    let aborted = false
    req.on('data', (chunk: Buffer) => {
      if (aborted) return
      received += chunk.length
      if (received > maxBody) {
        aborted = true
        tooLarge()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (aborted) return
      let payload: unknown
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        send(res, 200, {
          jsonrpc: '2.0',
          id: null,
          error: { code: RPCErrorCode.parse, message: 'parse error: invalid JSON' },
        })
        return
      }
      if (nestedDeeperThan(payload, limits.maxDepth)) {
        send(res, 200, errorResponse(null, tooDeepError(limits.maxDepth), log))
        return
      }
      options.metrics?.countRequests(payload, methods)
      dispatchRPC(payload, methods, {}, { maxBatchSize, log, unsafe }).then(
        (out) => {
          if (out === undefined) res.writeHead(204).end()
          else send(res, 200, out)
        },
        (err: unknown) => send(res, 500, errorResponse(null, err, log)),
      )
    })
    req.on('error', () => undefined)
  }

  const onWS = (ws: WebSocket): void => {
    sockets.add(ws)
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
    ws.on('message', (data, isBinary) => {
      let payload: unknown
      try {
        payload = JSON.parse(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString())
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
      if (nestedDeeperThan(payload, limits.maxDepth)) {
        ws.send(JSON.stringify(errorResponse(null, tooDeepError(limits.maxDepth), log)))
        return
      }
      options.metrics?.countRequests(payload, methods)
      dispatchRPC(payload, methods, { connection }, { maxBatchSize, log, unsafe }).then(
        (out) => {
          if (out !== undefined && ws.readyState === ws.OPEN) ws.send(JSON.stringify(out))
        },
        (err: unknown) => log.error({ err }, 'ws dispatch failed'),
      )
    })
    ws.on('close', () => {
      sockets.delete(ws)
      for (const fn of closers) fn()
    })
    ws.on('error', () => undefined)
  }

  return {
    get url() {
      return `http://${urlHost}:${port}`
    },
    get wsUrl() {
      return `ws://${urlHost}:${port}`
    },
    get port() {
      return port
    },
    unsafeMethods: unsafe,
    async start() {
      if (server) return
      const s = createServer(onHTTP)
      s.keepAliveTimeout = 30_000
      const w = new WebSocketServer({ noServer: true, maxPayload: maxBody })
      w.on('connection', onWS)
      s.on('upgrade', (req, socket: Socket, head) => {
        const refusal = forbidden(req)
        if (refusal) {
          log.debug({ host: req.headers.host, origin: req.headers.origin }, 'WebSocket upgrade refused')
          const body = JSON.stringify({
            jsonrpc: '2.0',
            id: null,
            error: { code: RPCErrorCode.invalidRequest, message: refusal },
          })
          socket.end(
            `HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          )
          return
        }
        const client = req.socket.remoteAddress ?? ''
        if (!wsClients.acquire(client)) {
          const body = `{"jsonrpc":"2.0","id":null,"error":{"code":-32005,"message":"too many WebSocket connections from this client: limit ${limits.maxConnectionsPerClient}"}}`
          socket.end(
            `HTTP/1.1 429 Too Many Requests\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          )
          return
        }
        socket.once('close', () => wsClients.release(client))
        w.handleUpgrade(req, socket, head, (ws) => w.emit('connection', ws, req))
      })
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject)
        s.listen(options.port ?? 0, host, () => resolve())
      })
      port = (s.address() as AddressInfo).port
      server = s
      wss = w
      log.info(
        {
          url: `http://${host}:${port}`,
          hosts: hostPolicy.hosts,
          corsOrigins: originPolicy.origins,
          unsafeMethods: unsafe.exposed,
        },
        'RPC listening',
      )
      if (!isLoopbackHost(host))
        log.warn(
          { bind: host, port, unsafeMethods: unsafe.exposed },
          `RPC bound to ${host}:${port}, not loopback: every host that can reach this address can read the chain and send signed transactions; ${unsafe.exposed ? 'UNSAFE methods (eth_sendTransaction, eth_sign*, dev methods) are EXPOSED to them (--rpc-allow-unsafe)' : 'signing and dev methods are refused'}; browser origins allowed: ${originPolicy.origins.length ? originPolicy.origins.join(', ') : 'none'}`,
        )
    },
    async stop() {
      const s = server
      if (!s) return
      server = undefined
      for (const ws of sockets) ws.terminate()
      wss?.close()
      s.closeAllConnections()
      await new Promise<void>((resolve) => s.close(() => resolve()))
    },
    isStarted: () => server !== undefined,
  }
}
