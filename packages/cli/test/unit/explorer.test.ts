import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { currentExplorerEndpoints, explorerEndpoints } from '../../src/cmds/explorer/endpoints.js'
import { upOptions } from '../../src/cmds/up/options.js'
import { explorerOrigins, planMesh } from '../../src/mesh/plan.js'
import { type MeshState, stateFile, writeState } from '../../src/mesh/state.js'

const dirs: string[] = []
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'mesh-explorer-plan-'))
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
const rpc = (corsOrigins: string[]) => ({
  host: '127.0.0.1',
  corsOrigins,
  allowedHosts: [],
  allowUnsafe: false,
})
const corsOf = (config: Record<string, unknown>) => (config.rpc as { corsOrigins: string[] }).corsOrigins

describe("the explorer's origin in every node's CORS list", () => {
  it('joins the given origins on every node, main net included', () => {
    const plan = planMesh({
      dataDir: tmp(),
      spns: 2,
      mainnet: true,
      rpc: rpc(['http://localhost:5173']),
      explorerPort: 40123,
    })
    expect(plan).toHaveLength(3)
    for (const p of plan)
      expect(corsOf(p.file.config)).toEqual([
        'http://localhost:5173',
        'http://127.0.0.1:40123',
        'http://localhost:40123',
      ])
    expect(explorerOrigins(1)).toEqual(['http://127.0.0.1:1', 'http://localhost:1'])
  })

  it('leaves * alone and adds nothing without an explorer', () => {
    const star = planMesh({ dataDir: tmp(), spns: 1, rpc: rpc(['*']), explorerPort: 40123 })
    expect(corsOf(star[0]!.file.config)).toEqual(['*'])
    const none = planMesh({ dataDir: tmp(), spns: 1, rpc: rpc([]) })
    expect(corsOf(none[0]!.file.config)).toEqual([])
  })

  it('declares --no-explorer and --explorer-port on mesh up', () => {
    expect(upOptions.explorer.flag).toBe('--no-explorer')
    expect(upOptions.explorerPort.flag).toBe('--explorer-port <port>')
  })
})

describe('explorerEndpoints', () => {
  it("lists each network's name, kind, chain id, VMs and URLs from the state", () => {
    const state: MeshState = {
      version: 1,
      dataDir: '/d',
      startedAt: '2026-01-01T00:00:00.000Z',
      networks: [
        {
          name: 'spn1',
          kind: 'spn',
          chainId: 9001,
          vms: ['evm', 'wasm'],
          role: 'EVM-heavy',
          rpcUrl: 'http://127.0.0.1:1',
          wsUrl: 'ws://127.0.0.1:1',
          pid: 1,
          dataDir: '/d/spn1',
          configFile: '/d/spn1/node.json',
          logFile: '/d/spn1/node.log',
        },
      ],
    }
    expect(explorerEndpoints(state)).toEqual([
      {
        name: 'spn1',
        kind: 'spn',
        chainId: 9001,
        vms: ['evm', 'wasm'],
        role: 'EVM-heavy',
        rpcUrl: 'http://127.0.0.1:1',
        wsUrl: 'ws://127.0.0.1:1',
      },
    ])
  })
})

describe('currentExplorerEndpoints', () => {
  const network = (n: number): MeshState['networks'][number] => ({
    name: `spn${n}`,
    kind: 'spn',
    chainId: 9000 + n,
    vms: ['evm', 'wasm'],
    rpcUrl: `http://127.0.0.1:${n}`,
    wsUrl: `ws://127.0.0.1:${n}`,
    pid: n,
    dataDir: `/d/spn${n}`,
    configFile: `/d/spn${n}/node.json`,
    logFile: `/d/spn${n}/node.log`,
  })
  it('reads the state file on every call (an SPN added later is listed), else what the server started with', () => {
    const dataDir = tmp()
    const started: MeshState = {
      version: 1,
      dataDir,
      startedAt: '2026-01-01T00:00:00.000Z',
      networks: [network(1)],
    }
    // no state file yet: what it started with
    expect(currentExplorerEndpoints(dataDir, started).map((e) => e.name)).toEqual(['spn1'])
    writeState(dataDir, { ...started, networks: [network(1), network(2)] })
    expect(currentExplorerEndpoints(dataDir, started).map((e) => e.name)).toEqual(['spn1', 'spn2'])
    writeState(dataDir, { ...started, networks: [network(1), network(2), network(3)] })
    expect(currentExplorerEndpoints(dataDir, started).map((e) => e.chainId)).toEqual([9001, 9002, 9003])
    // a file that does not parse (or is not a state): what it started with, no throw
    writeFileSync(stateFile(dataDir), '{"version": 1, "netw')
    expect(currentExplorerEndpoints(dataDir, started).map((e) => e.name)).toEqual(['spn1'])
  })
})
