import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, killPid, mesh, meshBackground, until } from './helpers.js'

type NodeFile = {
  kind: string
  config: {
    dataDir: string
    rpc: { host: string; port: number }
    p2p: { listen: string[]; bootstrap: string[]; enabled?: boolean }
    settlement?: { mainnetRpcUrl: string }
  }
}

/** The `{"event":"ready",…}` line of a node's output (stdout and stderr are interleaved). */
function readyLine(output: string): { rpcUrl: string } {
  for (const line of output.split('\n')) {
    if (!line.includes('"event":"ready"')) continue
    return JSON.parse(line) as { rpcUrl: string }
  }
  throw new Error(`no ready line in:\n${output}`)
}

async function nodeInfo(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'mesh_nodeInfo', params: [] }),
  })
  return ((await res.json()) as { result: Record<string, unknown> }).result
}

// A mesh spread over hosts: `mesh up --export-configs` writes each node's config (listen address, fixed
// ports, persistent peer ids, bootstrap multiaddrs, the main net's RPC URL for settlement); two nodes on
// different loopback addresses join through those files alone.
describe('mesh up --export-configs --hosts: two nodes on 127.0.0.2 and 127.0.0.3', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-hosts-'))
  const pids: number[] = []

  beforeAll(async () => {
    await ensureBuilt()
  })

  afterAll(() => {
    for (const pid of pids) killPid(pid)
    rmSync(dir, { recursive: true, force: true })
  })

  it('writes configs that name each node’s host, fixed ports and the other nodes as bootstrap peers', async () => {
    // the configs, and (side by side) bad --hosts input, which is a clear error
    const [r, bad] = await Promise.all([
      mesh(['up', '--export-configs', dir, '--spns', '1', '--hosts', '127.0.0.2,127.0.0.3', '--json']),
      mesh(['up', '--export-configs', join(dir, 'x'), '--spns', '1', '--hosts', '127.0.0.2,nope']),
    ])
    expect(r.code).toBe(0)
    const main = JSON.parse(readFileSync(join(dir, 'mainnet.json'), 'utf8')) as NodeFile
    const spn = JSON.parse(readFileSync(join(dir, 'spn1.json'), 'utf8')) as NodeFile
    expect(main.config.rpc.host).toBe('127.0.0.2')
    expect(spn.config.rpc.host).toBe('127.0.0.3')
    expect(main.config.p2p.listen[0]).toMatch(/^\/ip4\/127\.0\.0\.2\/tcp\/\d+$/)
    expect(spn.config.p2p.listen[0]).toMatch(/^\/ip4\/127\.0\.0\.3\/tcp\/\d+$/)
    expect(spn.config.p2p.enabled).toBe(true)
    // the SPN dials the main net at its listen address, with the main net's persistent peer id
    expect(spn.config.p2p.bootstrap).toEqual([
      expect.stringMatching(new RegExp(`^${main.config.p2p.listen[0]}/p2p/12D3Koo`)),
    ])
    expect(spn.config.settlement?.mainnetRpcUrl).toBe(`http://127.0.0.2:${main.config.rpc.port}`)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('"nope" is not an IPv4 address')
  }, 60_000)

  it('the two nodes, started from their files, find each other over libp2p and the SPN follows the main net', async () => {
    const main = meshBackground(['node', 'start', '--config', join(dir, 'mainnet.json'), '--json'])
    pids.push(main.proc.pid as number)
    await until(() => main.output().includes('"event":"ready"'), 60_000, 'the main net to be ready')
    const spn = meshBackground(['node', 'start', '--config', join(dir, 'spn1.json'), '--json'])
    pids.push(spn.proc.pid as number)
    await until(() => spn.output().includes('"event":"ready"'), 60_000, 'spn1 to be ready')
    const mainUrl = readyLine(main.output()).rpcUrl
    const spnUrl = readyLine(spn.output()).rpcUrl
    expect(mainUrl).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/)
    expect(spnUrl).toMatch(/^http:\/\/127\.0\.0\.3:\d+$/)
    const mainInfo = await nodeInfo(mainUrl)
    let spnInfo: Record<string, unknown> = {}
    const deadline = Date.now() + 30_000
    for (;;) {
      spnInfo = await nodeInfo(spnUrl)
      const heights = spnInfo.heights as { mainnet?: string }
      if ((spnInfo.peers as string[]).includes(mainInfo.peerId as string) && heights.mainnet) break
      if (Date.now() > deadline) throw new Error(`spn1 did not join the main net: ${JSON.stringify(spnInfo)}`)
      await new Promise((r) => setTimeout(r, 250))
    }
    expect((await nodeInfo(mainUrl)).peers).toContain(spnInfo.peerId)
    expect(Number((spnInfo.heights as { mainnet: string }).mainnet)).toBeGreaterThan(0)
    for (const p of [spn, main]) {
      process.kill(p.proc.pid as number, 'SIGTERM')
      expect(await p.exited).toBe(0)
    }
  }, 120_000)
})
