import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Logger, Startable } from '@rollup-mesh/core'
import { createSilentLogger } from '@rollup-mesh/core'
import { type WebSocket, WebSocketServer } from 'ws'
import { RPCErrorCode } from '../errors.js'
import type { NodeMetrics } from '../metrics/nodeMetrics.js'
import type { DispatchOptions } from './dispatch.js'
import { createHeavyLane } from './heavyLane.js'
import { createHostPolicy, isWildcardHost } from './hostPolicy.js'
import { createHTTPHandler } from './httpHandler.js'
import type { RPCIngress } from './ingress.js'
import { ConnectionCounter, defaultRPCLimits, limitSubscriptions, type RPCLimits } from './limits.js'
import { createOriginPolicy } from './originPolicy.js'
import type { ReadRouter } from './readRouter.js'
import { createRequestGuard } from './requestGuard.js'
import { isLoopbackHost, type UnsafeMethodsPolicy, unsafeMethodsPolicy } from './unsafeMethods.js'
import { createWSHandler } from './wsHandler.js'

/** Most large requests waiting in the lane at once (each WebSocket one holds its message). */
const HEAVY_MAX_WAITING = 16

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
  /**
   * Nesting depth, WebSocket connections per client, subscriptions per connection, error length, and the
   * large-request lane (`limits.ts`, `heavyLane.ts`).
   */
  limits?: Partial<RPCLimits> | undefined
  /** The node's metrics: served on `GET /metrics` (same Host and Origin rules), RPC requests counted. */
  metrics?: NodeMetrics | undefined
  /**
   * Read methods answered off this thread (`createReadRouter` over a `ReadPool`); without it every method
   * runs on the thread that seals blocks.
   */
  reads?: ReadRouter | undefined
  /**
   * Parses HTTP bodies that carry transactions off this thread (`createSendIngress`: JSON and sender
   * recovery on a decode thread); without it every body is parsed on the thread that seals blocks.
   */
  ingress?: RPCIngress | undefined
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
  const sockets = new Set<WebSocket>()
  const dispatch: DispatchOptions = { maxBatchSize, log, unsafe, reads: options.reads }
  const forbidden = createRequestGuard(hostPolicy, originPolicy)
  const lane = createHeavyLane({
    share: limits.heavyShare,
    maxWaitMs: limits.heavyMaxWaitMs,
    maxWaiting: HEAVY_MAX_WAITING,
    busyWindowMs: limits.heavyBusyWindowMs,
  })
  const onHTTP = createHTTPHandler({
    methods,
    dispatch,
    forbidden,
    originPolicy,
    maxBody,
    limits,
    lane,
    metrics: options.metrics,
    ingress: options.ingress,
    log,
  })
  const onWS = createWSHandler({
    methods,
    dispatch,
    limits,
    lane,
    sockets,
    metrics: options.metrics,
    log,
  })

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
