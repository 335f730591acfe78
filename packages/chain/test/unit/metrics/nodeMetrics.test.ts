import { createSerialExecutor, genesisWriteSet } from '@rollup-mesh/dual-vm'
import { type Address, parseEther } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import { Chain } from '../../../src/chain.js'
import { createNodeMetrics } from '../../../src/metrics/nodeMetrics.js'
import { createEthMethods } from '../../../src/rpc/eth.js'
import { createRPCServer, type RPCServer } from '../../../src/rpc/server.js'
import { ChainStore } from '../../../src/store.js'
import { CHAIN_ID, keys, signTx } from '../helpers.js'

const alice = keys[0]?.address.toLowerCase() as Address
const cleanup: (() => unknown)[] = []
afterAll(async () => {
  for (const f of cleanup.reverse()) await f()
})

async function openChain(): Promise<Chain> {
  const store = new ChainStore({ path: ':memory:' })
  const chain = new Chain(
    { chainId: CHAIN_ID, blockGasLimit: 30_000_000n },
    { store, executor: createSerialExecutor() },
  )
  const { writeSet, stateRoot } = genesisWriteSet({ [alice]: { balance: parseEther('100') } })
  await chain.open({ writeSet, stateRoot, timestamp: 1_700_000_000n })
  cleanup.push(() => store.close())
  return chain
}

/** The value of one sample line (`name{labels} value`) in a Prometheus text exposition. */
function sample(text: string, name: string, labels = ''): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const [key, value] = line.split(' ')
    if (key === `${name}${labels}`) return Number(value)
  }
  return undefined
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })

describe('node metrics', () => {
  it('counts blocks, transactions and gas, times each stage, and reports the pool and peers', async () => {
    const chain = await openChain()
    let peers = 3
    const metrics = createNodeMetrics({ chain, peers: () => peers, labels: { network: 'test' } })
    cleanup.push(() => metrics.close())
    await chain.mempool.add(await signTx(0, { nonce: 0 }))
    await chain.mempool.add(await signTx(0, { nonce: 1 }))
    await chain.mempool.add(await signTx(0, { nonce: 5 })) // a gap: stays in the pool
    let text = await metrics.scrape()
    expect(sample(text, 'mesh_mempool_transactions', '{network="test"}')).toBe(3)
    const first = await chain.produceBlock()
    await chain.produceBlock()
    // Chain measures each stage itself and reports the pool around the commit
    expect(Object.keys(first.stages).sort()).toEqual(['commit', 'execute', 'receipts', 'select', 'settle'])
    for (const ms of Object.values(first.stages)) expect(ms).toBeGreaterThanOrEqual(0)
    expect(first.stages.execute).toBeGreaterThan(0)
    expect(first.stages.commit).toBeGreaterThan(0)
    expect(first.queues).toEqual({ poolAtCommit: 3, pool: 1 })
    peers = 5
    text = await metrics.scrape()
    expect(sample(text, 'mesh_blocks_total', '{network="test"}')).toBe(2)
    expect(sample(text, 'mesh_transactions_total', '{network="test"}')).toBe(2)
    expect(sample(text, 'mesh_gas_used_total', '{network="test"}')).toBe(42_000)
    expect(sample(text, 'mesh_head_block_number', '{network="test"}')).toBe(2)
    expect(sample(text, 'mesh_mempool_transactions', '{network="test"}')).toBe(1)
    expect(sample(text, 'mesh_p2p_peers', '{network="test"}')).toBe(5)
    for (const stage of ['select', 'execute', 'receipts', 'commit', 'settle'])
      expect(text).toMatch(
        new RegExp(`^mesh_block_stage_seconds_count\\{[^}]*stage="${stage}"[^}]*\\} 2$`, 'm'),
      )

    // Another node in the same process has its own registry: nothing leaks between them.
    const other = createNodeMetrics({ chain: await openChain() })
    cleanup.push(() => other.close())
    expect(sample(await other.scrape(), 'mesh_blocks_total')).toBe(0)
  })

  it('is served on GET /metrics under the RPC Host policy, and counts RPC requests by method', async () => {
    const chain = await openChain()
    const metrics = createNodeMetrics({ chain })
    cleanup.push(() => metrics.close())
    const rpc: RPCServer = createRPCServer(createEthMethods(chain), { port: 0, metrics })
    await rpc.start()
    cleanup.push(() => rpc.stop())
    await post(rpc.url, { jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] })
    await post(rpc.url, [
      { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] },
      { jsonrpc: '2.0', id: 2, method: 'eth_blockNumber', params: [] },
      { jsonrpc: '2.0', id: 3, method: 'no_suchMethod', params: [] },
    ])
    const res = await fetch(`${rpc.url}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    expect(sample(text, 'mesh_rpc_requests_total', '{method="eth_blockNumber"}')).toBe(2)
    expect(sample(text, 'mesh_rpc_requests_total', '{method="eth_chainId"}')).toBe(1)
    expect(sample(text, 'mesh_rpc_requests_total', '{method="unknown"}')).toBe(1)
    expect(text).toMatch(/# HELP mesh_block_stage_seconds /)

    // A page on another host name (DNS rebinding) gets no metrics either.
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${rpc.url}/metrics`, { headers: { host: 'evil.example:80' } }, (r) => {
        r.resume()
        resolve(r.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(403)
    // Other GET paths are still refused as before.
    expect((await fetch(`${rpc.url}/other`)).status).toBe(405)
  })

  it('without metrics, GET /metrics is refused like any GET', async () => {
    const chain = await openChain()
    const rpc = createRPCServer(createEthMethods(chain), { port: 0 })
    await rpc.start()
    cleanup.push(() => rpc.stop())
    expect((await fetch(`${rpc.url}/metrics`)).status).toBe(405)
  })
})
