import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BaseError } from '@rollup-mesh/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readAbiFile, resolveFunction } from '../../src/contracts/abi.js'
import { rpcRequest } from '../../src/mesh/rpc.js'

/** The error `f` throws (or rejects with). */
async function caught(f: () => unknown): Promise<BaseError> {
  try {
    await f()
  } catch (err) {
    expect(err).toBeInstanceOf(BaseError)
    return err as BaseError
  }
  throw new Error('expected it to throw')
}

describe('rpcRequest: coded errors', () => {
  let server: Server
  let url = ''
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        const { method } = JSON.parse(body) as { method: string }
        if (method === 'eth_html') {
          res.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>')
          return
        }
        const reply =
          method === 'eth_chainId'
            ? { jsonrpc: '2.0', id: 1, result: '0x2329' }
            : {
                jsonrpc: '2.0',
                id: 1,
                error: { code: -32601, message: `the method ${method} does not exist` },
              }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply))
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it('returns the result', async () => {
    expect(await rpcRequest({ network: 'spn1', rpcUrl: url }, 'eth_chainId')).toBe('0x2329')
  })

  it('a JSON-RPC error is RPC_ERROR naming the network, the method and what to run next', async () => {
    const err = await caught(() => rpcRequest({ network: 'spn1', rpcUrl: url }, 'eth_nope'))
    expect(err.code).toBe('RPC_ERROR')
    expect(err.shortMessage).toBe('spn1 rejected eth_nope: the method eth_nope does not exist')
    expect(err.message).toContain('mesh logs spn1')
    expect(err.details).toBe('JSON-RPC error code -32601')
  })

  it('an answer that is not JSON is RPC_ERROR too', async () => {
    const err = await caught(() => rpcRequest({ network: 'spn2', rpcUrl: url }, 'eth_html'))
    expect(err.code).toBe('RPC_ERROR')
    expect(err.shortMessage).toContain('HTTP 502')
  })

  it('nothing listening is NODE_UNREACHABLE', async () => {
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((r) => closed.close(() => r()))
    const err = await caught(() =>
      rpcRequest({ network: 'spn1', rpcUrl: `http://127.0.0.1:${port}` }, 'eth_chainId'),
    )
    expect(err.code).toBe('NODE_UNREACHABLE')
    expect(err.message).toContain('mesh status')
  })
})

describe('ABI files and signatures: coded errors', () => {
  const file = (content: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'mesh-abi-')), 'X.abi.json')
    writeFileSync(path, content)
    return path
  }

  it('reads an array or an object with an "abi" array', () => {
    expect(readAbiFile(file('[]'))).toEqual([])
    expect(readAbiFile(file('{"abi":[{"type":"fallback"}]}'))).toEqual([{ type: 'fallback' }])
  })

  it('a missing file, bad JSON and a JSON that is no ABI each have a code', async () => {
    expect((await caught(() => readAbiFile('/nope/X.abi.json'))).code).toBe('FILE_NOT_FOUND')
    expect((await caught(() => readAbiFile(file('{ nope')))).code).toBe('ABI_FILE_INVALID')
    const shape = await caught(() => readAbiFile(file('{"contracts":{}}')))
    expect(shape.code).toBe('ABI_FILE_INVALID')
    expect(shape.message).toContain('mesh compile')
    expect((await caught(() => readAbiFile(file('null')))).code).toBe('ABI_FILE_INVALID')
  })

  it('a signature that does not parse is BAD_SIGNATURE', async () => {
    expect((await caught(() => resolveFunction('balanceOf(addresss)', undefined, 1))).code).toBe(
      'BAD_SIGNATURE',
    )
    expect((await caught(() => resolveFunction('balanceOf', undefined, 1))).code).toBe('BAD_SIGNATURE')
  })
})
