import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { RPCError, RPCErrorCode } from '../../src/errors.js'
import { expectCount, paramAddress } from '../../src/rpc/params.js'
import { createRPCServer, type RPCServer } from '../../src/rpc/server.js'

// The transport layer alone, over real HTTP and WebSocket; the eth methods are covered end to end in spn.
let server: RPCServer
beforeAll(async () => {
  server = createRPCServer(
    {
      echo: (p) => p,
      balance: (p) => {
        expectCount(p, 1, 1)
        return paramAddress(p, 0)
      },
      boom: () => {
        throw new Error('bug')
      },
      revert: () => {
        throw new RPCError(RPCErrorCode.executionReverted, 'execution reverted: no', { data: '0x08c379a0' })
      },
      slow: async () => new Promise((r) => setTimeout(() => r('done'), 20)),
    },
    { maxBodyBytes: 1024, maxBatchSize: 3 },
  )
  await server.start()
})
afterAll(() => server.stop())

async function post(body: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(server.url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : undefined }
}

describe('JSON-RPC server', () => {
  it('binds 127.0.0.1 on an OS-chosen port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.port).toBeGreaterThan(0)
  })

  it('answers single and batch requests, keeping ids and order', async () => {
    expect((await post('{"jsonrpc":"2.0","id":7,"method":"echo","params":[1]}')).json).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: [1],
    })
    const batch = await post(
      JSON.stringify([
        { jsonrpc: '2.0', id: 'a', method: 'slow' },
        { jsonrpc: '2.0', id: 'b', method: 'echo', params: [] },
        { jsonrpc: '2.0', method: 'echo' }, // notification: no entry
      ]),
    )
    expect(batch.json).toEqual([
      { jsonrpc: '2.0', id: 'a', result: 'done' },
      { jsonrpc: '2.0', id: 'b', result: [] },
    ])
  })

  it('maps every malformed input to its standard error', async () => {
    const err = async (body: string) =>
      ((await post(body)).json as { error: { code: number; message: string } }).error
    expect(await err('{"jsonrpc":"2.0",')).toMatchObject({ code: -32700 })
    expect(await err('[]')).toMatchObject({ code: -32600, message: 'empty batch' })
    expect(await err('42')).toMatchObject({ code: -32600 })
    expect(await err('{"id":1,"method":"echo"}')).toMatchObject({
      code: -32600,
      message: expect.stringContaining('jsonrpc'),
    })
    expect(await err('{"jsonrpc":"2.0","id":1,"method":5}')).toMatchObject({ code: -32600 })
    expect(await err('{"jsonrpc":"2.0","id":{},"method":"echo"}')).toMatchObject({ code: -32600 })
    expect(await err('{"jsonrpc":"2.0","id":1,"method":"echo","params":{"a":1}}')).toMatchObject({
      code: -32602,
    })
    expect(await err('{"jsonrpc":"2.0","id":1,"method":"nope_method"}')).toEqual({
      code: -32601,
      message: 'the method nope_method does not exist/is not available',
    })
    expect(await err('{"jsonrpc":"2.0","id":1,"method":"__proto__"}')).toMatchObject({ code: -32601 })
    expect(await err('{"jsonrpc":"2.0","id":1,"method":"balance","params":["0x12"]}')).toEqual({
      code: -32602,
      message: 'invalid argument 0: expected a 20-byte hex address',
    })
    expect(await err('{"jsonrpc":"2.0","id":1,"method":"balance","params":[]}')).toMatchObject({
      code: -32602,
    })
    expect(await err('{"jsonrpc":"2.0","id":1,"method":"boom"}')).toEqual({
      code: -32603,
      message: 'internal error',
    })
    expect(await err('{"jsonrpc":"2.0","id":1,"method":"revert"}')).toEqual({
      code: 3,
      message: 'execution reverted: no',
      data: '0x08c379a0',
    })
    const four = Array.from({ length: 4 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'echo' }))
    expect(await err(JSON.stringify(four))).toMatchObject({
      code: -32600,
      message: expect.stringContaining('limit 3'),
    })
  })

  it('refuses oversize bodies with 413 and keeps serving; only POST is accepted', async () => {
    const big = await post(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'echo', params: ['x'.repeat(2000)] }),
    )
    expect(big.status).toBe(413)
    expect(big.json).toMatchObject({ error: { code: -32600 } })
    expect((await fetch(server.url)).status).toBe(405)
    expect((await post('{"jsonrpc":"2.0","id":1,"method":"echo"}')).json).toMatchObject({ result: [] })
  })

  it('serves the same methods over WebSocket, with parse errors per message', async () => {
    const ws = new WebSocket(server.wsUrl)
    await new Promise((r, j) => ws.once('open', r).once('error', j))
    const replies: unknown[] = []
    const got = new Promise<void>((resolve) =>
      ws.on('message', (m) => {
        replies.push(JSON.parse(m.toString()))
        if (replies.length === 3) resolve()
      }),
    )
    ws.send('not json')
    ws.send('{"jsonrpc":"2.0","id":1,"method":"echo","params":["ws"]}')
    ws.send('[{"jsonrpc":"2.0","id":2,"method":"missing"}]')
    await got
    ws.close()
    expect(replies).toEqual([
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error: invalid JSON' } },
      { jsonrpc: '2.0', id: 1, result: ['ws'] },
      [
        {
          jsonrpc: '2.0',
          id: 2,
          error: { code: -32601, message: 'the method missing does not exist/is not available' },
        },
      ],
    ])
  })
})
