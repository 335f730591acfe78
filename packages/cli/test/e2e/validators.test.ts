import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mainnetConfigSchema } from '@rollup-mesh/mainnet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rpcRequest } from '../../src/mesh/rpc.js'
import { alive, ensureBuilt, killPid, lastJson, mesh } from './helpers.js'

// Runs once the main-net node has consensus (its config takes a `consensus` section); before that
// `mesh up --validators N` has nothing to start (the node's strict config refuses the section).
const nodeHasConsensus = 'consensus' in mainnetConfigSchema.shape

describe.skipIf(!nodeHasConsensus)('mesh up --validators 4 against real processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-validators-'))
  const dataDir = join(dir, 'data')
  const d = ['--data-dir', dataDir]
  const pids = new Set<number>()

  beforeAll(async () => {
    await ensureBuilt()
  })

  afterAll(() => {
    for (const pid of pids) killPid(pid)
    try {
      const state = JSON.parse(readFileSync(join(dataDir, 'mesh.json'), 'utf8')) as {
        networks: { pid: number }[]
      }
      for (const n of state.networks) killPid(n.pid)
    } catch {
      // no state
    }
    rmSync(dir, { recursive: true, force: true })
  })

  it('starts 4 validators and an SPN; the banner lists every validator; all agree on the chain', async () => {
    const r = await mesh(
      ['up', '--detach', '--validators', '4', '--spns', '1', '--block-time', '500', ...d],
      {
        timeoutMs: 120_000,
      },
    )
    expect(r.code).toBe(0)
    const state = JSON.parse(readFileSync(join(dataDir, 'mesh.json'), 'utf8'))
    const names = state.networks.map((n: { name: string }) => n.name)
    expect(names).toEqual(['mainnet', 'mainnet-v1', 'mainnet-v2', 'mainnet-v3', 'spn1'])
    for (const n of state.networks) pids.add(n.pid)
    // the banner: every validator with its address and RPC URL
    expect(r.stdout).toContain('Main-net validators (4, BFT')
    for (const [i, n] of state.networks.slice(0, 4).entries())
      expect(r.stdout).toContain(`(${i}) ${n.validator}  ${n.rpcUrl}  (${n.name})`)
    console.log(
      `mesh up --detach --validators 4 --spns 1: ${(r.ms / 1000).toFixed(1)} s, ready after ${(state.readyMs / 1000).toFixed(1)} s`,
    )
    const mains = state.networks.filter((n: { kind: string }) => n.kind === 'mainnet') as {
      name: string
      rpcUrl: string
    }[]
    const heightOf = async (n: { name: string; rpcUrl: string }) =>
      Number(await rpcRequest<string>({ network: n.name, rpcUrl: n.rpcUrl }, 'eth_blockNumber'))
    for (let i = 0; i < 600; i++) {
      const heights = await Promise.all(mains.map(heightOf))
      if (heights.every((h) => h >= 3)) break
      await new Promise((res) => setTimeout(res, 200))
    }
    const hashes = await Promise.all(
      mains.map((n) =>
        rpcRequest<{ hash: string }>({ network: n.name, rpcUrl: n.rpcUrl }, 'eth_getBlockByNumber', [
          '0x2',
          false,
        ]),
      ),
    )
    expect(new Set(hashes.map((b) => b.hash)).size).toBe(1)
  }, 180_000)

  it('status shows each validator with its round and the last commit signers; down stops them all', async () => {
    const s = await mesh(['status', '--json', ...d])
    const v = lastJson(s.stdout).validators as {
      network: string
      mode: string
      lastCommit: { signers: string[] } | null
    }[]
    expect(v.map((x) => x.network)).toEqual(['mainnet', 'mainnet-v1', 'mainnet-v2', 'mainnet-v3'])
    for (const x of v) {
      expect(x.mode).toBe('bft')
      expect(x.lastCommit?.signers.length).toBeGreaterThanOrEqual(3)
    }
    const human = await mesh(['status', ...d])
    expect(human.stdout).toContain('Main-net validators')
    const down = await mesh(['down', ...d])
    expect(down.code).toBe(0)
    for (const pid of pids) expect(alive(pid)).toBe(false)
  }, 60_000)
})
