import { Agent, request } from 'node:http'
import { connect } from 'node:net'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { RPCError, RPCErrorCode } from '../../../src/errors.js'
import type { RPCLimits } from '../../../src/rpc/limits.js'
import { createRPCServer, type RPCServer } from '../../../src/rpc/server.js'

// The RPC server's large-request lane end to end (a large request: a body of `heavyRequestBytes`, a batch
// of `heavyBatchLength`): while small requests flow, a large request that failed makes the next large one
// wait its rest (small ones are answered meanwhile), a large one that succeeded does not, a lane in its rest
// answers 429 / -32005 at once, and a body that does not arrive in time frees its turn.

/** Methods that answer (`hold`) or fail (`fail`) when the test lets them: a large request as long as wanted. */
function gate() {
  let open: () => void = () => undefined
  const opened = new Promise<void>((r) => {
    open = r
  })
  let entered = 0
  return {
    hold: async () => {
      entered++
      await opened
      return 'held'
    },
    fail: async () => {
      entered++
      await opened
      throw new RPCError(RPCErrorCode.invalidParams, 'failed on purpose')
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

async function serve(g: ReturnType<typeof gate>, limits: Partial<RPCLimits>): Promise<RPCServer> {
  server = createRPCServer(
    { hold: g.hold, fail: g.fail, echo: (p) => p },
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

/** Posts a long batch of `method` (held by `g`) and lets it finish after `ms`: a large request of that length. */
async function longRequest(url: string, g: ReturnType<typeof gate>, method: 'hold' | 'fail', ms = 60) {
  const before = g.entered()
  const answer = post(url, longBatch(method), true)
  await until(() => g.entered() === before + 5)
  await new Promise((r) => setTimeout(r, ms))
  g.open()
  const out = JSON.parse((await answer).body) as { result?: unknown; error?: unknown }[]
  expect(out).toHaveLength(5)
  return out
}
const small = async (url: string, n: number) =>
  JSON.parse((await post(url, JSON.stringify(call('echo', [n], n)))).body).result

describe('the large-request lane', () => {
  // share 0.01: a turn that took 60 ms and failed owes 60 × 99 ≈ 6 s of rest
  it('a large request that succeeded owes nothing: the next large one runs at once', async () => {
    const g = gate()
    const s = await serve(g, { heavyShare: 0.01, heavyBusyWindowMs: 600_000, heavyMaxWaitMs: 60_000 })
    expect(await small(s.url, 1)).toEqual([1]) // small requests are flowing (for the rest of the test)
    const out = await longRequest(s.url, g, 'hold')
    expect(out.every((r) => r.result === 'held')).toBe(true)
    const t0 = performance.now()
    const answer = await post(s.url, largeBody(7))
    expect(JSON.parse(answer.body).id).toBe(7)
    expect(performance.now() - t0).toBeLessThan(3_000) // a rest would be ≥ 5.9 s
  })

  it('a large request that failed makes the next large one wait while small ones are answered', async () => {
    const g = gate()
    // small requests count as flowing for 1 s after the last one: then the rest ends early
    const s = await serve(g, { heavyShare: 0.01, heavyBusyWindowMs: 1_000, heavyMaxWaitMs: 60_000 })
    expect(await small(s.url, 1)).toEqual([1])
    const out = await longRequest(s.url, g, 'fail')
    expect(out.every((r) => r.error)).toBe(true)
    let waited: string | undefined
    const waiting = post(s.url, largeBody(7), true).then((a) => {
      waited = a.body
      return a
    })
    expect(await small(s.url, 2)).toEqual([2]) // answered during the rest
    await new Promise((r) => setTimeout(r, 300))
    expect(waited).toBeUndefined()
    const answer = await waiting // once the small requests have stopped for 1 s
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body).id).toBe(7)
  })

  it('during a rest, refuses large bodies (429, the connection still usable), long batches and large WebSocket messages (-32005)', async () => {
    const g = gate()
    const s = await serve(g, { heavyShare: 0.01, heavyBusyWindowMs: 600_000, heavyMaxWaitMs: 0 })
    expect(await small(s.url, 1)).toEqual([1])
    await longRequest(s.url, g, 'fail')
    const busy = /server busy: large requests .* retry later/
    // a large body (by Content-Length, refused unread) and a long batch (small in bytes): 429
    for (const body of [largeBody(8), longBatch('echo')]) {
      const refused = await post(s.url, body)
      expect(refused.status).toBe(429)
      expect(refused.headers['retry-after']).toBe('1')
      const { error } = JSON.parse(refused.body)
      expect(error.code).toBe(-32005)
      expect(error.message).toMatch(busy)
      // the same keep-alive socket answers the next request
      expect(await small(s.url, 4)).toEqual([4])
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
  })

  it('a large body that does not arrive in time is answered 408 and frees its turn', async () => {
    const g = gate()
    // share 0.5: a failed turn of 60 ms owes 60 ms; then a waiting request also waits for the running ones
    const s = await serve(g, {
      heavyShare: 0.5,
      heavyBusyWindowMs: 600_000,
      heavyMaxWaitMs: 60_000,
      heavyReadTimeoutMs: 400,
    })
    expect(await small(s.url, 1)).toEqual([1])
    const { port } = new URL(s.url)
    // headers for a 4,000-byte body, then 10 bytes of it, then nothing: it runs (nothing owed yet) and stalls
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
    await longRequest(s.url, g, 'fail') // now a rest is owed: the next large request waits for the stalled one
    const answer = await post(s.url, largeBody(11), true)
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body).id).toBe(11)
    await closed
    expect(text).toMatch(/^HTTP\/1\.1 408 /)
    expect(text).toContain('request body not received within 400 ms')
  })
})
