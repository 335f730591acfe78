import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { scanJSONShape } from '../../../src/rpc/jsonShape.js'
import { nestedDeeperThan } from '../../../src/rpc/limits.js'
import { createRPCServer, type RPCServer } from '../../../src/rpc/server.js'

/** A seeded PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Random JSON values whose strings hold brackets, quotes, backslashes and commas. */
function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 8 ? 3 : 6))
  if (k === 0) return Math.floor(r() * 100)
  if (k === 1) return ['[', ']', '{', '}', ',', '"', '\\', '\\"', '"[', '\\\\', 'a,b'][Math.floor(r() * 11)]
  if (k === 2) return r() < 0.5 ? null : true
  if (k === 3 || k === 4) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1))
  return Object.fromEntries(
    Array.from({ length: Math.floor(r() * 4) }, (_, i) => [`k${i}[,"`, randomValue(r, depth + 1)]),
  )
}

const bytes = (s: string) => Buffer.from(s)

describe('scanJSONShape: depth and batch length from the bytes', () => {
  it('agrees with a parse on depth and batch length, strings and escapes included', () => {
    const r = prng(5)
    for (let i = 0; i < 2_000; i++) {
      const value = randomValue(r, 0)
      const text = JSON.stringify(value, null, r() < 0.3 ? 1 : undefined)
      for (const maxDepth of [1, 2, 3, 5, 9]) {
        const maxBatchSize = Math.floor(r() * 4)
        const over = scanJSONShape(bytes(text), { maxDepth, maxBatchSize })
        const tooDeep = nestedDeeperThan(value, maxDepth)
        if (tooDeep) expect(over, text).toEqual({ tooDeep: true })
        else if (Array.isArray(value) && value.length > maxBatchSize)
          expect(over, text).toEqual({ batchTooLarge: value.length })
        else expect(over, text).toEqual({ requests: Array.isArray(value) ? value.length : 1 })
      }
    }
  })

  it('refuses a 200,000-deep body and a 5,000-request batch, and counts the requests of a batch (`[]`: none)', () => {
    const limits = { maxDepth: 64, maxBatchSize: 2_000 }
    expect(scanJSONShape(bytes(`${'['.repeat(200_000)}${']'.repeat(200_000)}`), limits)).toEqual({
      tooDeep: true,
    })
    // unbalanced too: refused for its depth
    expect(scanJSONShape(bytes(`{"params":${'{"a":'.repeat(65)}`), limits)).toEqual({ tooDeep: true })
    const batch = JSON.stringify(Array.from({ length: 5_000 }, (_, i) => ({ jsonrpc: '2.0', id: i })))
    expect(scanJSONShape(bytes(batch), limits)).toEqual({ batchTooLarge: 5_000 })
    expect(scanJSONShape(bytes('[]'), { maxDepth: 64, maxBatchSize: 0 })).toEqual({ requests: 0 })
    expect(scanJSONShape(bytes(' [ 1 ] '), { maxDepth: 64, maxBatchSize: 0 })).toEqual({ batchTooLarge: 1 })
    // a string never closed: left to the parse
    expect(scanJSONShape(bytes('["[[[[[[[[[['), { maxDepth: 3, maxBatchSize: 2 })).toEqual({ requests: 1 })
    expect(scanJSONShape(bytes(batch), { maxDepth: 64, maxBatchSize: 5_000 })).toEqual({ requests: 5_000 })
  })
})

describe('the RPC server refuses over-limit bodies before parsing them', () => {
  let server: RPCServer
  beforeAll(async () => {
    server = createRPCServer({ echo: (p) => p }, { maxBatchSize: 3, limits: { maxDepth: 8 } })
    await server.start()
  })
  afterAll(() => server.stop())

  const deep = `{"jsonrpc":"2.0","id":1,"method":"echo","params":${'['.repeat(50_000)}${']'.repeat(50_000)}}`
  const batch = JSON.stringify(
    Array.from({ length: 4_000 }, (_, i) => ({
      jsonrpc: '2.0',
      id: i,
      method: 'echo',
      params: ['x'.repeat(30)],
    })),
  )

  it('over HTTP and WebSocket: the same errors, and JSON.parse never sees the body', async () => {
    const parse = vi.spyOn(JSON, 'parse')
    try {
      const post = async (body: string) =>
        (
          await fetch(server.url, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
        ).text()
      const ws = new WebSocket(server.wsUrl)
      await new Promise((r) => ws.once('open', r))
      const viaWS = (body: string) =>
        new Promise<string>((resolve) => {
          ws.once('message', (d) => resolve(d.toString()))
          ws.send(body)
        })
      const tooDeep =
        '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request: nested deeper than 8 levels"}}'
      const tooLong =
        '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"batch too large: 4000 requests, limit 3"}}'
      expect(await post(deep)).toBe(tooDeep)
      expect(await viaWS(deep)).toBe(tooDeep)
      expect(await post(batch)).toBe(tooLong)
      expect(await viaWS(batch)).toBe(tooLong)
      ws.terminate()
      const parsedLengths = parse.mock.calls.map(([text]) => String(text).length)
      expect(parsedLengths.filter((n) => n >= Math.min(deep.length, batch.length))).toEqual([])
    } finally {
      parse.mockRestore()
    }
  })
})
