import { describe, expect, it } from 'vitest'
import type { JSONRPCResponse } from '../../../src/rpc/dispatch.js'
import { responseChunks, responseText, SerializedResult } from '../../../src/rpc/responseText.js'

const utf8 = (s: string) => {
  const bytes = new Uint8Array(new SharedArrayBuffer(Buffer.byteLength(s)))
  Buffer.from(bytes.buffer, 0, bytes.byteLength).write(s)
  return bytes
}
const join = (chunks: (string | Uint8Array)[]) =>
  Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : Buffer.from(c)))).toString()

describe('responseChunks', () => {
  it("writes JSON.stringify's bytes, with serialized results (text or shared bytes) spliced in", () => {
    const block = { number: '0x2a', transactions: [{ input: '0x', note: 'ü€' }] }
    const batch: JSONRPCResponse[] = [
      { jsonrpc: '2.0', id: 1, result: new SerializedResult(utf8(JSON.stringify(block))) },
      { jsonrpc: '2.0', id: 'b', error: { code: -32602, message: 'invalid params' } },
      { jsonrpc: '2.0', id: null, result: new SerializedResult(JSON.stringify(block)) },
      { jsonrpc: '2.0', id: 4, result: '0x1' },
    ]
    const plain: JSONRPCResponse[] = batch.map((r, i) =>
      'result' in r && i < 3 ? { ...r, result: block } : r,
    )
    const chunks = responseChunks(batch)
    // text around the one byte result, joined: a string, the bytes, a string
    expect(chunks.map((c) => typeof c)).toEqual(['string', 'object', 'string'])
    expect(join(chunks)).toBe(JSON.stringify(plain))
    expect(responseText(batch)).toBe(JSON.stringify(plain))
    const one = responseChunks(batch[0] as JSONRPCResponse)
    expect(join(one)).toBe(JSON.stringify({ ...batch[0], result: block }))
    // without byte results the body is one string, as before
    expect(responseChunks(batch[3] as JSONRPCResponse)).toEqual([JSON.stringify(batch[3])])
  })
})
