import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, normalize, resolve, sep } from 'node:path'
import type { ExplorerEndpoint, MeshDiscovery } from './endpoint.js'
import { ExplorerError } from './errors.js'
import { contentTypeOf } from './mimeTypes.js'

/** Where `npm run build -w @rollup-mesh/explorer` puts the static app (the same from src/ and dist/). */
export const DEFAULT_APP_DIR = join(import.meta.dirname, '..', 'dist', 'app')

export type ExplorerServerOptions = {
  /** 0 (default): any free port. */
  port?: number | undefined
  /** Bind address; default 127.0.0.1. */
  host?: string | undefined
  /** The mesh's networks (`/mesh.json`); a function is asked on every request (a mesh that grows). */
  endpoints: ExplorerEndpoint[] | (() => ExplorerEndpoint[])
  /** The built app; default `dist/app` of this package. */
  appDir?: string | undefined
}

export type ExplorerServer = {
  /** `http://127.0.0.1:<port>/` */
  url: string
  port: number
  stop(): Promise<void>
}

/**
 * The page's Content-Security-Policy `connect-src`: every endpoint's host (http and ws) on any port. Any
 * port, because the page stays open while the mesh grows: an SPN that `mesh spn add` starts later listens
 * on a port the policy of an already loaded page could not name.
 */
function connectSources(endpoints: ExplorerEndpoint[]): string[] {
  const out = new Set<string>(["'self'"])
  for (const e of endpoints)
    for (const u of [e.rpcUrl, e.wsUrl]) {
      try {
        const url = new URL(u)
        out.add(`${url.protocol}//${url.hostname}:*`)
      } catch {
        // an endpoint that is not a URL gets no connect-src entry: the page shows it unreachable
      }
    }
  return [...out]
}

/** `/mesh.json`'s body written into the page (a data block, not a script), so its first render needs no request. */
function withDiscovery(html: Buffer, body: MeshDiscovery): Buffer {
  // `<` escaped: the JSON cannot close the element early, whatever a network's name holds
  const json = JSON.stringify(body).replace(/</g, '\\u003c')
  const block = `<script type="application/json" id="mesh-discovery">${json}</script>`
  const text = html.toString('utf8')
  const at = text.indexOf('</head>')
  return Buffer.from(at < 0 ? `${text}${block}` : `${text.slice(0, at)}${block}${text.slice(at)}`)
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, head: boolean) {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
  })
  res.end(head ? undefined : body)
}

/**
 * Serves the explorer: the built static app (correct MIME types, `index.html` at `/`, 404 for anything
 * else that is not a file of the app) and `/mesh.json`, the networks of the mesh (discovery only: the page
 * reads all data from the nodes' JSON-RPC and WebSocket). GET and HEAD only. The nodes must list the
 * explorer's origin in `rpc.corsOrigins` (`mesh up` does).
 *
 * @example
 * ```ts
 * const explorer = await startExplorerServer({
 *   endpoints: [{ name: 'spn1', kind: 'spn', chainId: 9001, vms: ['evm', 'wasm'],
 *     rpcUrl: 'http://127.0.0.1:8545', wsUrl: 'ws://127.0.0.1:8545' }],
 * })
 * console.log(explorer.url) // http://127.0.0.1:41237/
 * await explorer.stop()
 * ```
 */
export async function startExplorerServer(options: ExplorerServerOptions): Promise<ExplorerServer> {
  const appDir = resolve(options.appDir ?? DEFAULT_APP_DIR)
  if (!existsSync(join(appDir, 'index.html')))
    throw new ExplorerError(`The explorer app is not built (no ${join(appDir, 'index.html')}).`, {
      code: 'EXPLORER_NOT_BUILT',
      metaMessages: ['- Build it with `npm run build -w @rollup-mesh/explorer` (`npm ci` builds it too).'],
    })
  const host = options.host ?? '127.0.0.1'
  const endpoints = () => (typeof options.endpoints === 'function' ? options.endpoints() : options.endpoints)

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const head = req.method === 'HEAD'
    if (req.method !== 'GET' && !head) {
      res.setHeader('Allow', 'GET, HEAD')
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', false)
    }
    let path: string
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://explorer').pathname)
    } catch {
      return send(res, 400, 'text/plain; charset=utf-8', 'bad request path\n', head)
    }
    if (path === '/mesh.json') {
      const body: MeshDiscovery = { version: 1, networks: endpoints() }
      res.setHeader('Cache-Control', 'no-store')
      return send(res, 200, contentTypeOf(path), `${JSON.stringify(body)}\n`, head)
    }
    const rel = path === '/' ? 'index.html' : normalize(path).replace(/^[/\\]+/, '')
    const file = resolve(appDir, rel)
    if (!file.startsWith(appDir + sep) || rel.includes('\0'))
      return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head)
    const info = await stat(file).catch(() => undefined)
    if (!info?.isFile()) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head)
    let body: Buffer = await readFile(file)
    if (rel === 'index.html') {
      body = withDiscovery(body, { version: 1, networks: endpoints() })
      res.setHeader('Cache-Control', 'no-store')
      res.setHeader(
        'Content-Security-Policy',
        [
          "default-src 'self'",
          // the bundle verifier: snarkjs compiles its bn128 WebAssembly and runs it in blob: workers
          "script-src 'self' 'wasm-unsafe-eval'",
          "worker-src 'self' blob:",
          "style-src 'self' 'unsafe-inline'",
          "img-src 'self' data:",
          `connect-src ${connectSources(endpoints()).join(' ')}`,
        ].join('; '),
      )
    } else if (rel.startsWith('assets')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable')
    return send(res, 200, contentTypeOf(file), body, head)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n', false)
      else res.destroy()
    })
  })
  await new Promise<void>((ok, fail) => {
    server.once('error', (cause: NodeJS.ErrnoException) =>
      fail(
        new ExplorerError(`The explorer cannot listen on ${host}:${options.port ?? 0} (${cause.code}).`, {
          code: 'EXPLORER_LISTEN',
          metaMessages: ['- Choose another port with --port (0 picks a free one).'],
          cause,
        }),
      ),
    )
    server.listen(options.port ?? 0, host, () => ok())
  })
  const port = (server.address() as AddressInfo).port
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${urlHost}:${port}/`,
    port,
    stop: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections()
        server.close(() => ok())
      }),
  }
}
