import { Agent, request } from 'node:http'
import { connect } from 'node:net'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { RPCLimits } from '../../../src/rpc/limits.js'
import { createRPCServer, type RPCServer } from '../../../src/rpc/server.js'

// The RPC server's large-request lane end to end: a large request (a body of `heavyRequestBytes`, a batch
// of `heavyBatchLength`) waits while another holds the lane, small ones are answered meanwhile, and a full
// lane answers 429 / -32005 at once.

/** A method that answers when the test lets it: it holds the lane for as long as the test wants. */
function gate() {
  let open: () => void = () => undefined
  const opened = new Promise<void>((r) => {
    open = r
  })
  let entered = 0
  return {
    method: async () => {
      entered++
      await opened
      return 'held'
    },
    open: () => open(),
    entered: () => entered,
  }
}

let server: RPCServer | undefined
afterEach(async () => {
  await server?.stop()
  server = undefined
})

async function serve(held: ReturnType<typeof gate>, limits: Partial<RPCLimits>): Promise<RPCServer> {
  server = createRPCServer(
    { hold: held.method, echo: (p) => p },
    { limits: { heavyRequestBytes: 2_048, heavyBatchLength: 5, ...limits } },
  )
  await server.start()
  return server
}

type Answer = { status: number; body: string; headers: Record<string, string | string[] | undefined> }
const agent = new Agent({ keepAlive: true, maxSockets: 1 })
afterAll(() => agent.destroy())

/**
 * A POST over one keep-alive socket (`agent`: a refused body must leave the connection usable), or over a
 * connection of its own (`own`).
 */
function post(url: string, body: string, own = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent: own ? false : agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => {
          text += c
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}
const call = (method: string, params: unknown[] = [], id = 1) => ({ jsonrpc: '2.0', id, method, params })
const largeBody = (id: number) => JSON.stringify(call('echo', ['x'.repeat(4_000)], id))
const longBatch = (method: string) => JSON.stringify(Array.from({ length: 5 }, (_, i) => call(method, [], i)))
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5))
  expect(ok()).toBe(true)
}

describe('the large-request lane', () => {
  it('a large request waits its turn while small ones are answered, then runs', async () => {
    const held = gate()
    const s = await serve(held, { heavyMaxWaitMs: 60_000 })
    const holding = fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: longBatch('hold'),
    }).then((r) => r.json())
    await until(() => held.entered() === 5) // the long batch of holds has the lane
    let waited: string | undefined
    const waiting = post(s.url, largeBody(7), true).then((a) => {
      waited = a.body
      return a
    })
    // small requests pass meanwhile; the large one still waits
    const small = await post(s.url, JSON.stringify(call('echo', [1], 3)))
    expect(JSON.parse(small.body)).toEqual({ jsonrpc: '2.0', id: 3, result: [1] })
    await new Promise((r) => setTimeout(r, 50))
    expect(waited).toBeUndefined()
    held.open()
    expect(await holding).toHaveLength(5)
    const answer = await waiting
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body).id).toBe(7)
  })

  it('while small requests flow, a full lane refuses large bodies (429, the connection still usable), long batches and large WebSocket messages (-32005)', async () => {
    const held = gate()
    const s = await serve(held, { heavyMaxWaitMs: 0, heavyBusyWindowMs: 600_000 })
    const holding = fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: longBatch('hold'),
    }).then((r) => r.json())
    await until(() => held.entered() === 5)
    const busy = /server busy: large requests .* retry later/
    // small requests are flowing (the lane refuses by expected wait only then)
    expect((await post(s.url, JSON.stringify(call('echo', [0], 2)))).status).toBe(200)
    // a large body (by Content-Length, refused unread) and a long batch (small in bytes): 429
    for (const body of [largeBody(8), longBatch('echo')]) {
      const refused = await post(s.url, body)
      expect(refused.status).toBe(429)
      expect(refused.headers['retry-after']).toBe('1')
      const { error } = JSON.parse(refused.body)
      expect(error.code).toBe(-32005)
      expect(error.message).toMatch(busy)
      // the same keep-alive socket answers the next request
      const next = await post(s.url, JSON.stringify(call('echo', [2], 4)))
      expect(JSON.parse(next.body).result).toEqual([2])
    }
    const ws = new WebSocket(s.wsUrl)
    await new Promise((r) => ws.once('open', r))
    const viaWS = (body: string) =>
      new Promise<{ error?: { code: number; message: string }; result?: unknown }>((resolve) => {
        ws.once('message', (d) => resolve(JSON.parse(d.toString())))
        ws.send(body)
      })
    const refused = await viaWS(largeBody(9))
    expect(refused.error?.code).toBe(-32005)
    expect(refused.error?.message).toMatch(busy)
    expect((await viaWS(JSON.stringify(call('echo', [5], 5)))).result).toEqual([5])
    ws.terminate()
    held.open()
    expect(await holding).toHaveLength(5)
    // the lane is free again: a large request runs
    expect((await post(s.url, largeBody(10))).status).toBe(200)
  })

  it('a large body that does not arrive in time is answered 408 and frees the lane', async () => {
    const held = gate()
    const s = await serve(held, { heavyReadTimeoutMs: 200 })
    const { port } = new URL(s.url)
    // headers for a 4,000-byte body, then 10 bytes of it, then nothing
    const socket = connect(Number(port), '127.0.0.1')
    let text = ''
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => {
      text += d
    })
    const closed = new Promise((r) => socket.once('close', r))
    socket.write(
      `POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 4000\r\n\r\n{"jsonrpc"`,
    )
    await closed
    expect(text).toMatch(/^HTTP\/1\.1 408 /)
    expect(text).toContain('request body not received within 200 ms')
    // the turn it held is free: the next large request runs at once
    const answer = await post(s.url, largeBody(11))
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body).id).toBe(11)
  })
})
