import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ExplorerEndpoint } from '../../src/endpoint.js'
import { ExplorerError } from '../../src/errors.js'
import { contentTypeOf } from '../../src/mimeTypes.js'
import { type ExplorerServer, startExplorerServer } from '../../src/server.js'

// A fake built app in a temp dir: the server must serve exactly its files, with their types.
const dir = mkdtempSync(join(tmpdir(), 'explorer-app-'))
const endpoints: ExplorerEndpoint[] = [
  {
    name: 'spn1',
    kind: 'spn',
    chainId: 9001,
    vms: ['evm', 'wasm'],
    rpcUrl: 'http://127.0.0.1:18545',
    wsUrl: 'ws://127.0.0.1:18545',
  },
]
let server: ExplorerServer

beforeAll(async () => {
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>')
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)')
  writeFileSync(join(dir, 'assets', 'index-abc.css'), 'body{}')
  writeFileSync(join(dir, 'secret.txt'), 'not outside, but a plain file')
  writeFileSync(join(tmpdir(), 'explorer-outside.txt'), 'outside')
  server = await startExplorerServer({ endpoints: () => endpoints, appDir: dir })
})
afterAll(async () => {
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
  rmSync(join(tmpdir(), 'explorer-outside.txt'), { force: true })
})

const get = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init)

describe('startExplorerServer', () => {
  it('listens on 127.0.0.1 and serves index.html at / as HTML with a CSP naming the nodes’ hosts', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const res = await get('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-store')
    // any port of the nodes' hosts: an SPN added while the page is open listens on a port unknown at load
    expect(res.headers.get('content-security-policy')).toContain(
      "connect-src 'self' http://127.0.0.1:* ws://127.0.0.1:*",
    )
    // the in-page bundle verifier (snarkjs) needs WebAssembly and blob: workers, nothing more
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval'")
    expect(res.headers.get('content-security-policy')).toContain("worker-src 'self' blob:")
    expect(await res.text()).toContain('<title>x</title>')
  })

  it('writes /mesh.json into the page as a data block, escaped, following a growing mesh', async () => {
    const block = (html: string) =>
      /<script type="application\/json" id="mesh-discovery">(.*?)<\/script>/s.exec(html)?.[1]
    const first = block(await (await get('/')).text())
    expect(JSON.parse(first!)).toEqual({ version: 1, networks: endpoints })
    endpoints.push({
      name: 'spn</script><script>alert(1)</script>',
      kind: 'spn',
      chainId: 9003,
      vms: ['evm'],
      rpcUrl: 'http://localhost:18547',
      wsUrl: 'ws://localhost:18547',
    })
    try {
      const res = await get('/')
      const html = await res.text()
      expect(html).not.toContain('<script>alert(1)')
      expect(JSON.parse(block(html)!).networks.map((n: ExplorerEndpoint) => n.chainId)).toEqual([9001, 9003])
      expect(res.headers.get('content-security-policy')).toContain('http://localhost:* ws://localhost:*')
      expect(((await (await get('/mesh.json')).json()) as { networks: unknown[] }).networks).toHaveLength(2)
    } finally {
      endpoints.pop()
    }
  })

  it('serves assets with their MIME types', async () => {
    const js = await get('/assets/index-abc.js')
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(js.headers.get('cache-control')).toContain('immutable')
    expect((await get('/assets/index-abc.css')).headers.get('content-type')).toBe('text/css; charset=utf-8')
  })

  it('answers /mesh.json with the endpoints, uncached', async () => {
    const res = await get('/mesh.json')
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({ version: 1, networks: endpoints })
  })

  it('answers 404 for a missing file, a directory and a path outside the app', async () => {
    expect((await get('/nope.js')).status).toBe(404)
    expect((await get('/assets')).status).toBe(404)
    expect((await get('/..%2fexplorer-outside.txt')).status).toBe(404)
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404)
  })

  it('refuses methods other than GET and HEAD with 405', async () => {
    const res = await get('/mesh.json', { method: 'POST', body: '{}' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD')
    const head = await get('/mesh.json', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('refuses to start without a built app, saying how to build it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'explorer-empty-'))
    const err = await startExplorerServer({ endpoints, appDir: empty }).catch((e: unknown) => e)
    rmSync(empty, { recursive: true, force: true })
    expect(err).toBeInstanceOf(ExplorerError)
    expect((err as ExplorerError).code).toBe('EXPLORER_NOT_BUILT')
    expect((err as ExplorerError).message).toContain('npm run build -w @rollup-mesh/explorer')
  })

  it('says which port is taken', async () => {
    const err = await startExplorerServer({ endpoints, appDir: dir, port: server.port }).catch(
      (e: unknown) => e,
    )
    expect((err as ExplorerError).code).toBe('EXPLORER_LISTEN')
  })
})

describe('contentTypeOf', () => {
  it.each([
    ['a.html', 'text/html; charset=utf-8'],
    ['x/b.JS', 'text/javascript; charset=utf-8'],
    ['c.svg', 'image/svg+xml'],
    ['d.wasm', 'application/wasm'],
    ['e.bin', 'application/octet-stream'],
  ])('%s is %s', (path, type) => {
    expect(contentTypeOf(path)).toBe(type)
  })
})
