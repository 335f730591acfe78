import { request } from 'node:http'
import { z } from '@rollup-mesh/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { chainNodeConfigFields } from '../../../src/node/config.js'
import { createRPCServer, type RPCServer } from '../../../src/rpc/server.js'

// The attacks a hostile web page can make against a node on 127.0.0.1, made here without a browser
// (the browser test is packages/spn/test/e2e/rpc-security-browser.test.ts): each is refused and runs nothing.

let calls = 0
const methods = {
  eth_sendTransaction: () => {
    calls++
    return `0x${calls.toString(16).padStart(64, '0')}`
  },
  eth_chainId: () => '0x385',
}
const send = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendTransaction', params: [{}] })

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** One raw HTTP request: every header as given (fetch would add or forbid some). */
function raw(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'POST', headers: init.headers ?? {} }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => {
        body += c
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

/** Opens a WebSocket with the given headers; resolves the HTTP status that refused it, or 101. */
function wsStatus(url: string, headers: Record<string, string>): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => resolve({ status: 101, ws }))
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 })
      res.resume()
    })
    ws.once('error', (err) => {
      if (!ws.listenerCount('unexpected-response')) reject(err)
    })
  })
}

function wsCall(ws: WebSocket, body: string): Promise<unknown> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data))))
    ws.send(body)
  })
}

describe('RPC server: what a web page cannot do (default policy)', () => {
  let server: RPCServer
  beforeAll(async () => {
    server = createRPCServer(methods, {})
    await server.start()
  })
  afterAll(() => server.stop())

  it('refuses non-JSON bodies with 415 and runs nothing (text/plain, form, none)', async () => {
    calls = 0
    for (const type of [
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      undefined,
    ]) {
      const r = await raw(server.url, { headers: type ? { 'content-type': type } : {}, body: send })
      expect(r.status, String(type)).toBe(415)
      expect(JSON.parse(r.body)).toMatchObject({
        error: {
          code: -32600,
          message: expect.stringMatching(/invalid content type.*only application\/json/),
        },
      })
    }
    expect(calls).toBe(0)
  })

  it('refuses a Host that is not its own (DNS rebinding) with 403 and runs nothing', async () => {
    calls = 0
    const r = await raw(server.url, {
      headers: { host: `evil.example:${server.port}`, 'content-type': 'application/json' },
      body: send,
    })
    expect(r.status).toBe(403)
    expect(JSON.parse(r.body).error.message).toMatch(
      /invalid host specified: "evil\.example:\d+".*DNS rebinding.*--rpc-allowed-hosts/,
    )
    expect(calls).toBe(0)
  })

  it('refuses a browser origin (CORS off): 403, no CORS headers, nothing run; preflight too', async () => {
    calls = 0
    const r = await raw(server.url, {
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: send,
    })
    expect(r.status).toBe(403)
    expect(r.headers['access-control-allow-origin']).toBeUndefined()
    expect(JSON.parse(r.body).error.message).toMatch(/origin "http:\/\/evil\.example" is not allowed.*--cors/)
    const pre = await raw(server.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    expect(pre.status).toBe(403)
    expect(pre.headers['access-control-allow-origin']).toBeUndefined()
    expect(calls).toBe(0)
  })

  it('serves a page it would serve itself (Origin = its own Host), not one on another port', async () => {
    calls = 0
    const host = `127.0.0.1:${server.port}`
    const chainId = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' })
    const same = await raw(server.url, {
      headers: { host, origin: `http://${host}`, 'content-type': 'application/json' },
      body: chainId,
    })
    expect(same.status).toBe(200)
    const other = await raw(server.url, {
      headers: { host, origin: `http://127.0.0.1:${server.port + 1}`, 'content-type': 'application/json' },
      body: send,
    })
    expect(other.status).toBe(403)
    expect(calls).toBe(0)
  })

  it('serves non-browser clients: JSON without Origin, Host localhost / 127.0.0.1 / [::1]', async () => {
    calls = 0
    for (const host of [
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
      `[::1]:${server.port}`,
      'localhost',
    ]) {
      const r = await raw(server.url, {
        headers: { host, 'content-type': 'application/json; charset=utf-8' },
        body: send,
      })
      expect(r.status, host).toBe(200)
      expect(JSON.parse(r.body).result).toMatch(/^0x/)
    }
    expect(calls).toBe(4)
  })

  it('refuses a WebSocket upgrade from a browser origin or under a foreign Host; accepts one without Origin', async () => {
    calls = 0
    expect((await wsStatus(server.wsUrl, { origin: 'http://evil.example' })).status).toBe(403)
    expect((await wsStatus(server.wsUrl, { host: 'evil.example' })).status).toBe(403)
    const ok = await wsStatus(server.wsUrl, {})
    expect(ok.status).toBe(101)
    expect(await wsCall(ok.ws!, send)).toMatchObject({ result: expect.stringMatching(/^0x/) })
    ok.ws!.close()
    expect(calls).toBe(1)
  })
})

describe('RPC server with --cors and --rpc-allowed-hosts', () => {
  let server: RPCServer
  const origin = 'http://localhost:5173'
  beforeAll(async () => {
    server = createRPCServer(methods, { corsOrigins: [origin], allowedHosts: ['node1.internal'] })
    await server.start()
  })
  afterAll(() => server.stop())

  it('answers the allowed origin’s preflight and request with CORS headers naming it', async () => {
    const pre = await raw(server.url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    expect(pre.status).toBe(204)
    expect(pre.headers['access-control-allow-origin']).toBe(origin)
    expect(pre.headers['access-control-allow-headers']).toBe('content-type')
    const r = await raw(server.url, {
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' }),
    })
    expect(r.status).toBe(200)
    expect(r.headers['access-control-allow-origin']).toBe(origin)
    expect(JSON.parse(r.body).result).toBe('0x385')
  })

  it('still refuses other origins, and non-JSON bodies from the allowed one', async () => {
    expect(
      (
        await raw(server.url, {
          headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
          body: send,
        })
      ).status,
    ).toBe(403)
    expect(
      (await raw(server.url, { headers: { origin, 'content-type': 'text/plain' }, body: send })).status,
    ).toBe(415)
    expect((await wsStatus(server.wsUrl, { origin: 'http://evil.example' })).status).toBe(403)
    const ok = await wsStatus(server.wsUrl, { origin })
    expect(ok.status).toBe(101)
    ok.ws!.close()
  })

  it('accepts the configured host name', async () => {
    const r = await raw(server.url, {
      headers: { host: `node1.internal:${server.port}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' }),
    })
    expect(r.status).toBe(200)
  })
})

describe('node config rpc section', () => {
  const rpc = chainNodeConfigFields.rpc
  it('defaults to no origins, no extra hosts, unsafe methods not forced', () => {
    expect(rpc.parse({})).toMatchObject({
      host: '127.0.0.1',
      corsOrigins: [],
      allowedHosts: [],
      allowUnsafe: false,
    })
  })
  it('still reads the old corsOrigin field into corsOrigins', () => {
    const parsed = rpc.parse({ corsOrigin: 'http://localhost:3000', corsOrigins: ['http://a.example'] })
    expect(parsed.corsOrigins).toEqual(['http://a.example', 'http://localhost:3000'])
    expect('corsOrigin' in parsed).toBe(false)
  })
  it('refuses bad entries naming the field', () => {
    const r = z
      .object({ rpc })
      .safeParse({ rpc: { corsOrigins: ['localhost:3000'], allowedHosts: ['http://x/'] } })
    expect(r.success).toBe(false)
    const paths = r.error!.issues.map((i) => i.path.join('.'))
    expect(paths).toEqual(['rpc.corsOrigins.0', 'rpc.allowedHosts.0'])
  })
})
