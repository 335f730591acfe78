import { describe, expect, it } from 'vitest'
import { judgeHTTP, preview } from './abuseSender.js'
import { createAbuseGenerator, hugeStringBody } from './malformed.js'

describe('the rpc-abuse generator', () => {
  it('writes a huge-string body byte for byte as JSON.stringify would', () => {
    for (const [method, size] of [
      ['eth_call', 0],
      ['eth_getBalance', 1],
      ['mesh_nodeInfo', 70_001],
    ] as const) {
      const expected = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: ['a'.repeat(size)] })
      expect(hugeStringBody(method, size).equals(Buffer.from(expected))).toBe(true)
    }
  })

  it('gives the same flood for the same seed, and huge strings as buffers', () => {
    const options = { seed: 7, methods: ['eth_call', 'eth_chainId'], validTx: '0x02f8', maxBodyBytes: 1024 }
    const a = createAbuseGenerator({ ...options, kinds: ['huge-string', 'truncated'] })
    const b = createAbuseGenerator({ ...options, kinds: ['huge-string', 'truncated'] })
    for (let i = 0; i < 50; i++) {
      const [x, y] = [a.next(), b.next()]
      expect(Buffer.from(x.body).equals(Buffer.from(y.body))).toBe(true)
      if (x.kind === 'huge-string') expect(Buffer.isBuffer(x.body)).toBe(true)
    }
  })

  it('previews a buffer without decoding it whole, and judges answers', () => {
    expect(preview(Buffer.from('{"jsonrpc":"2.0"}'), 5)).toBe('{"jso')
    expect(preview('abcdef', 3)).toBe('abc')
    expect(judgeHTTP(413, 'too large').ok).toBe(true)
    expect(judgeHTTP(500, '{}').ok).toBe(false)
    expect(judgeHTTP(200, '{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"x"}}')).toEqual({
      ok: true,
      class: 'rpc-error',
    })
    expect(judgeHTTP(200, 'Error: x\n    at f (/a.js:1:1)').class).toBe('stack-trace')
  })
})
