import { afterEach, describe, expect, it, vi } from 'vitest'
import { MeshWatcher } from '../../src/app/lib/meshWatcher.js'
import type { Network } from '../../src/app/lib/types.js'

const net = (name: string, port: number, kind: Network['kind'] = 'spn'): Network => ({
  name,
  kind,
  chainId: 9000 + port,
  vms: ['evm'],
  rpcUrl: `http://127.0.0.1:${port}`,
  wsUrl: `ws://127.0.0.1:${port}`,
})

/** A fake node per URL: every block has 3 transactions, the head is `height`. */
function fakeNodes(heights: Map<string, number>) {
  const asked: string[] = []
  const answer = (url: string, method: string, params: unknown[]) => {
    const h = heights.get(url) ?? 0
    if (method === 'eth_getBlockByNumber') {
      const n = params[0] === 'latest' ? h : Number(params[0])
      return {
        number: `0x${n.toString(16)}`,
        timestamp: `0x${(1000 + n).toString(16)}`,
        transactions: ['0x1', '0x2', '0x3'],
      }
    }
    if (method === 'mesh_nodeInfo') return { peers: [1, 2], mempool: { pending: 4 } }
    return []
  }
  const fetch = vi.fn(async (url: string, init: { body: string }) => {
    const req = JSON.parse(init.body) as { id: number; method: string; params: unknown[] }
    asked.push(`${url} ${req.method}`)
    return new Response(
      JSON.stringify({ jsonrpc: '2.0', id: req.id, result: answer(url, req.method, req.params) }),
    )
  })
  return { fetch, asked }
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
}

describe('MeshWatcher', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('tells its listeners once per frame, however many answers arrived in it', async () => {
    const nodes = fakeNodes(
      new Map([
        ['http://127.0.0.1:1', 7],
        ['http://127.0.0.1:2', 9],
      ]),
    )
    vi.stubGlobal('fetch', nodes.fetch)
    const frames: (() => void)[] = []
    const watcher = new MeshWatcher([net('spn1', 1), net('spn2', 2)], {
      scheduleFrame: (fn) => frames.push(fn),
    })
    const told = vi.fn()
    watcher.subscribe(told)
    watcher.start()
    await settle()
    expect(watcher.views.map((v) => v.height)).toEqual([7, 9])
    expect(told).not.toHaveBeenCalled()
    expect(frames).toHaveLength(1) // every refresh so far shares one scheduled frame
    frames.shift()!()
    expect(told).toHaveBeenCalledTimes(1)
    watcher.stop()
  })

  it('follows networks added later (by name, once), polling them at once when started', async () => {
    const nodes = fakeNodes(
      new Map([
        ['http://127.0.0.1:1', 3],
        ['http://127.0.0.1:3', 12],
      ]),
    )
    vi.stubGlobal('fetch', nodes.fetch)
    const watcher = new MeshWatcher([net('spn1', 1)], { scheduleFrame: (fn) => fn() })
    const told = vi.fn()
    watcher.subscribe(told)
    watcher.start()
    await settle()
    expect(watcher.addNetworks([net('spn1', 1)])).toEqual([])
    const added = watcher.addNetworks([net('spn1', 1), net('spn3', 3)])
    expect(added.map((n) => n.name)).toEqual(['spn3'])
    expect(watcher.networks.map((n) => n.name)).toEqual(['spn1', 'spn3'])
    await settle()
    expect(nodes.asked).toContain('http://127.0.0.1:3 eth_getBlockByNumber')
    expect(watcher.views[1]?.height).toBe(12)
    expect(told).toHaveBeenCalled()
    watcher.stop()
    const before = nodes.asked.length
    expect(watcher.addNetworks([net('spn4', 4)]).map((n) => n.name)).toEqual(['spn4'])
    await settle()
    expect(nodes.asked.length).toBe(before) // a stopped watcher polls nothing
  })

  it('polls nothing before start', async () => {
    const nodes = fakeNodes(new Map())
    vi.stubGlobal('fetch', nodes.fetch)
    const watcher = new MeshWatcher([net('spn1', 1)], { scheduleFrame: (fn) => fn() })
    watcher.addNetworks([net('spn2', 2)])
    await settle()
    expect(nodes.fetch).not.toHaveBeenCalled()
    watcher.stop()
  })
})
