import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseSPNConfig } from '@rollup-mesh/spn'
import { afterAll, describe, expect, it } from 'vitest'
import { planMesh, writeNodeFile } from '../../src/mesh/plan.js'

const dir = mkdtempSync(join(tmpdir(), 'mesh-plan-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('planMesh: run-time options land in each SPN config', () => {
  it('--workers picks the parallel executor, --verify-parallel its self-check; a later run without them keeps them', () => {
    const spns = (options: { workers?: number; verifyParallel?: boolean }) =>
      planMesh({ dataDir: dir, spns: 2, mainnet: false, ...options }).filter((n) => n.kind === 'spn')
    const first = spns({ workers: 2, verifyParallel: true })
    expect(first).toHaveLength(2)
    for (const node of first) {
      const config = parseSPNConfig(node.file.config)
      expect(config).toMatchObject({ executor: 'parallel', executorWorkers: 2, verifyParallel: true })
      writeNodeFile(node.configFile, node.file)
    }
    for (const node of spns({}))
      expect(node.file.config).toMatchObject({ executor: 'parallel', verifyParallel: true })
    for (const node of spns({ workers: 0, verifyParallel: false }))
      expect(parseSPNConfig(node.file.config)).toMatchObject({ executor: 'serial', verifyParallel: false })
  })
})

describe('planMesh: --commit lands in each SPN config', () => {
  it("sets the SPNs' commit mode (not the main net's) and keeps it on a later run without the flag", () => {
    const sub = mkdtempSync(join(dir, 'commit-'))
    const plan = (options: { commit?: 'writer' | 'inline' }) =>
      planMesh({ dataDir: sub, spns: 2, mainnet: true, ...options })
    const first = plan({ commit: 'writer' })
    for (const node of first) writeNodeFile(node.configFile, node.file)
    for (const node of first.filter((n) => n.kind === 'spn'))
      expect(parseSPNConfig(node.file.config).commit).toBe('writer')
    expect(first.find((n) => n.kind === 'mainnet')?.file.config.commit).toBeUndefined()
    for (const node of plan({}).filter((n) => n.kind === 'spn'))
      expect(node.file.config.commit).toBe('writer')
    for (const node of plan({ commit: 'inline' }).filter((n) => n.kind === 'spn'))
      expect(parseSPNConfig(node.file.config).commit).toBe('inline')
  })
})

describe('planMesh: --evm and --verify-evm land in every node config (the main net too)', () => {
  it('sets both keys on each node and keeps them on a later run without the flags', () => {
    const sub = mkdtempSync(join(dir, 'evm-'))
    const plan = (options: { evm?: 'fast' | 'ethereumjs'; verifyEvm?: number }) =>
      planMesh({ dataDir: sub, spns: 2, mainnet: true, ...options })
    const first = plan({ evm: 'ethereumjs', verifyEvm: 0.25 })
    expect(first.map((n) => n.kind).sort()).toEqual(['mainnet', 'spn', 'spn'])
    for (const node of first) {
      expect(node.file.config).toMatchObject({ evm: 'ethereumjs', verifyEvm: 0.25 })
      writeNodeFile(node.configFile, node.file)
    }
    for (const node of first.filter((n) => n.kind === 'spn'))
      expect(parseSPNConfig(node.file.config)).toMatchObject({ evm: 'ethereumjs', verifyEvm: 0.25 })
    for (const node of plan({}))
      expect(node.file.config).toMatchObject({ evm: 'ethereumjs', verifyEvm: 0.25 })
    for (const node of plan({ evm: 'fast', verifyEvm: 0 }))
      expect(node.file.config).toMatchObject({ evm: 'fast', verifyEvm: 0 })
  })
})

describe('planMesh: RPC exposure (--rpc-host, --cors, --rpc-allowed-hosts, --rpc-allow-unsafe, --rpc-read-workers)', () => {
  it('lands in every node config, and a later run without the flags goes back to the safe defaults', () => {
    const safe = { host: '127.0.0.1', corsOrigins: [], allowedHosts: [], allowUnsafe: false }
    const exposed = {
      host: '0.0.0.0',
      corsOrigins: ['http://localhost:5173'],
      allowedHosts: ['devbox.lan'],
      allowUnsafe: true,
      readWorkers: 0,
    }
    const rpcDir = join(dir, 'rpc')
    const first = planMesh({ dataDir: rpcDir, spns: 1, mainnet: false, rpc: exposed })
    for (const node of first) {
      node.file.config.rpc = { ...(node.file.config.rpc as object), corsOrigin: 'http://old.example' }
      // a node config still carrying the old single-origin field: it joins the list
      expect(parseSPNConfig(node.file.config).rpc).toMatchObject({
        ...exposed,
        corsOrigins: ['http://localhost:5173', 'http://old.example'],
      })
      writeNodeFile(node.configFile, node.file)
    }
    for (const node of planMesh({ dataDir: rpcDir, spns: 1, mainnet: false, rpc: safe })) {
      expect(node.resumed).toBe(true)
      // the old single-origin field does not survive either; read workers are the node's default again
      expect(parseSPNConfig(node.file.config).rpc).toMatchObject({ ...safe, readWorkers: 1 })
    }
  })
})
