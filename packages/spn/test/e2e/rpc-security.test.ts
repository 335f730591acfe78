import { execFile } from 'node:child_process'
import { request } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { devAccounts } from '@rollup-mesh/core'
import { JsonRpcProvider, Wallet, WebSocketProvider } from 'ethers'
import { createPublicClient, createWalletClient, defineChain, type Hex, http, webSocket } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { SPNNode } from '../../src/index.js'
import { createManualSPNNode, tempDir } from './helpers.js'

// The attacks a hostile web page makes on a node of `mesh up`, made here without a browser (raw HTTP and
// WebSocket, every header as the page's browser would send it), against a running SPN whose blocks the
// test produces: an executed attack would leave a transaction in the pool and bump the dev nonce. Then the
// clients that must keep working: viem, ethers and Foundry's cast (none sends an Origin).

const root = fileURLToPath(new URL('../../../..', import.meta.url))
const castBin = join(root, 'node_modules/.bin/cast')
const run = promisify(execFile)
const CHAIN_ID = 9_731
const [dev0, dev1] = devAccounts(2) as [
  ReturnType<typeof devAccounts>[number],
  ReturnType<typeof devAccounts>[number],
]
const sendTx = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'eth_sendTransaction',
  params: [{ from: dev0.address, to: dev1.address, value: '0x1' }],
})

type Raw = { status: number; body: string }
function raw(url: string, headers: Record<string, string>, body: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => {
        text += c
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** Resolves `opened` with the socket, or the HTTP status that refused the upgrade. */
function openWS(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; ws?: WebSocket; body?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => resolve({ status: 101, ws }))
    ws.once('unexpected-response', (_req, res) => {
      let body = ''
      res.on('data', (c: Buffer) => {
        body += c.toString()
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    ws.once('error', (err) => {
      if (ws.readyState !== ws.CLOSED) reject(err)
    })
  })
}

describe('SPN RPC: a web page’s attacks are refused, clients keep working', () => {
  const dir = tempDir('spn-rpc-security-')
  let node: SPNNode
  const nonceOfDev0 = () => node.chain.mempool.pendingNonce(dev0.address.toLowerCase() as Hex)

  beforeAll(async () => {
    node = createManualSPNNode({ spnId: 'spn7', chainId: CHAIN_ID, dataDir: dir, devAccounts: 2 })
    await node.start()
  })
  afterAll(async () => {
    await node?.stop()
  })

  it('text/plain POST (a "simple" cross-site request): 415, nothing in the pool', async () => {
    const r = await raw(node.rpcUrl, { 'content-type': 'text/plain;charset=UTF-8' }, sendTx)
    expect(r.status).toBe(415)
    expect(JSON.parse(r.body).error.message).toMatch(/invalid content type "text\/plain;charset=UTF-8"/)
    expect(node.chain.mempool.size).toBe(0)
    expect(nonceOfDev0()).toBe(0n)
  })

  it('DNS rebinding (a foreign Host): 403, nothing in the pool', async () => {
    const r = await raw(
      node.rpcUrl,
      { host: `rebind.attacker.example:${new URL(node.rpcUrl).port}`, 'content-type': 'application/json' },
      sendTx,
    )
    expect(r.status).toBe(403)
    expect(JSON.parse(r.body).error.message).toMatch(/invalid host specified.*DNS rebinding/)
    expect(node.chain.mempool.size).toBe(0)
  })

  it('a cross-origin JSON POST (CORS off): 403 without CORS headers, nothing in the pool', async () => {
    const r = await raw(
      node.rpcUrl,
      { origin: 'http://evil.example', 'content-type': 'application/json' },
      sendTx,
    )
    expect(r.status).toBe(403)
    expect(node.chain.mempool.size).toBe(0)
  })

  it('cross-site WebSocket hijacking (Origin http://evil.example): upgrade refused, nothing in the pool', async () => {
    const r = await openWS(node.wsUrl, { origin: 'http://evil.example' })
    expect(r.status).toBe(403)
    expect(JSON.parse(r.body!).error.message).toMatch(/origin "http:\/\/evil\.example" is not allowed/)
    const rebound = await openWS(node.wsUrl, { host: 'rebind.attacker.example' })
    expect(rebound.status).toBe(403)
    expect(node.chain.mempool.size).toBe(0)
    expect(nonceOfDev0()).toBe(0n)
  })

  it('viem over HTTP and WebSocket: reads, eth_sendTransaction from an unlocked dev account', async () => {
    const chain = defineChain({
      id: CHAIN_ID,
      name: 'spn7',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [node.rpcUrl], webSocket: [node.wsUrl] } },
    })
    const pub = createPublicClient({ chain, transport: http() })
    expect(await pub.getChainId()).toBe(CHAIN_ID)
    const wallet = createWalletClient({ chain, transport: http(), account: dev0.address })
    const hash = await wallet.sendTransaction({ to: dev1.address, value: 1n })
    await node.chain.produceBlock()
    expect((await pub.getTransactionReceipt({ hash })).status).toBe('success')
    const ws = createPublicClient({ chain, transport: webSocket() })
    expect(await ws.getBlockNumber()).toBe(1n)
    await ws.transport.getRpcClient().then((c) => c.close())
  })

  it('ethers over HTTP and WebSocket', async () => {
    const provider = new JsonRpcProvider(node.rpcUrl, CHAIN_ID, { staticNetwork: true })
    const wallet = new Wallet(dev1.privateKey, provider)
    const tx = await wallet.sendTransaction({ to: dev0.address, value: 2n })
    await node.chain.produceBlock()
    expect((await provider.getTransactionReceipt(tx.hash))?.status).toBe(1)
    const signer = await provider.getSigner(dev0.address)
    const hash = await signer.sendUncheckedTransaction({ to: dev1.address, value: 3n })
    expect(node.chain.mempool.get(hash as Hex)).toBeDefined()
    await node.chain.produceBlock()
    provider.destroy()
    const wsProvider = new WebSocketProvider(node.wsUrl, CHAIN_ID)
    expect(await wsProvider.getBlockNumber()).toBe(3)
    await wsProvider.destroy()
  })

  it('Foundry’s cast: block-number, chain-id, send --unlocked from a dev account', async () => {
    const cast = async (...args: string[]) => (await run(castBin, args, { timeout: 60_000 })).stdout.trim()
    expect(await cast('block-number', '--rpc-url', node.rpcUrl)).toBe('3')
    expect(await cast('chain-id', '--rpc-url', node.rpcUrl)).toBe(String(CHAIN_ID))
    const hash = await cast(
      'send',
      '--async',
      '--unlocked',
      '--from',
      dev0.address,
      dev1.address,
      '--value',
      '5',
      '--rpc-url',
      node.rpcUrl,
    )
    expect(hash).toMatch(/^0x[0-9a-f]{64}$/)
    expect(node.chain.mempool.get(hash as Hex)).toBeDefined()
    await node.chain.produceBlock()
    expect(await cast('receipt', hash, 'status', '--rpc-url', node.rpcUrl)).toMatch(/^(1|true)\b/)
  })
})
