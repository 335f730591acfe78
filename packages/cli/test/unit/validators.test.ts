import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { blsKeyPairFromSeed, validatorSetFromGenesis } from '@rollup-mesh/consensus'
import { devAccounts } from '@rollup-mesh/core'
import { parseMainnetConfig } from '@rollup-mesh/mainnet'
import { bytesToHex, concat, type Hex, hexToBytes, keccak256, stringToBytes } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import { consensusLines, consensusStatusOf } from '../../src/cmds/status/consensus.js'
import { validatorLines } from '../../src/cmds/up/banner.js'
import { DEMO_VALIDATORS, upOptions } from '../../src/cmds/up/options.js'
import type { InvalidOptionError } from '../../src/errors.js'
import { validatorAddressOf } from '../../src/mesh/launch.js'
import { wireP2P } from '../../src/mesh/p2p.js'
import { planMesh, validatorNetworkName, writeNodeFile } from '../../src/mesh/plan.js'
import type { MeshState } from '../../src/mesh/state.js'
import { blsSeedOf, genesisValidatorOf } from '../../src/mesh/validatorKeys.js'
import { resolveOptions } from '../../src/options/resolve.js'

const dir = mkdtempSync(join(tmpdir(), 'mesh-validators-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const accounts = devAccounts(16)

type Consensus = {
  validators: { address: string; blsPublicKey: Hex; proofOfPossession: Hex; power: number }[]
  blsSeed: Hex
}

describe('validator keys: the seam formula', () => {
  it('blsSeedOf is keccak256("rollup-mesh/bls-seed/v1" ‖ key); the genesis entry carries a PoP that verifies', () => {
    const key = accounts[3]!.privateKey as Hex
    expect(blsSeedOf(key)).toBe(
      keccak256(concat([stringToBytes('rollup-mesh/bls-seed/v1'), hexToBytes(key)])),
    )
    expect(blsSeedOf(key)).not.toBe(blsSeedOf(accounts[4]!.privateKey as Hex))
    const entry = genesisValidatorOf(key, 2)
    expect(entry.address).toBe(accounts[3]!.address.toLowerCase())
    expect(entry.power).toBe(2)
    expect(entry.blsPublicKey).toBe(bytesToHex(blsKeyPairFromSeed(hexToBytes(blsSeedOf(key))).publicKey))
    const set = validatorSetFromGenesis([
      {
        ...entry,
        publicKey: hexToBytes(entry.blsPublicKey),
        proofOfPossession: hexToBytes(entry.proofOfPossession),
      },
    ])
    expect(set.totalPower).toBe(2)
  })
})

describe('planMesh --validators N', () => {
  it('writes N main-net configs: dev key i, one governance, the shared validator list, distinct dirs and ports', () => {
    const plan = planMesh({ dataDir: join(dir, 'four'), spns: 2, mainnet: true, validators: 4, port: 9100 })
    const mains = plan.filter((p) => p.kind === 'mainnet')
    expect(plan.map((p) => p.name)).toEqual([
      'mainnet',
      'mainnet-v1',
      'mainnet-v2',
      'mainnet-v3',
      'spn1',
      'spn2',
    ])
    expect(new Set(plan.map((p) => p.nodeDir)).size).toBe(6)
    const ports = plan.map((p) => (p.file.config.rpc as { port: number }).port)
    expect(new Set(ports).size).toBe(6)
    expect(ports.slice(0, 4)).toEqual([9102, 9103, 9104, 9105])
    const lists = mains.map((p) => JSON.stringify((p.file.config.consensus as Consensus).validators))
    expect(new Set(lists).size).toBe(1)
    const genesis = (mains[0]!.file.config.consensus as Consensus).validators
    expect(genesis.map((v) => v.address)).toEqual(accounts.slice(0, 4).map((a) => a.address.toLowerCase()))
    // every PoP verifies and the keys differ
    const set = validatorSetFromGenesis(
      genesis.map((v) => ({
        ...v,
        address: v.address as Hex,
        publicKey: hexToBytes(v.blsPublicKey),
        proofOfPossession: hexToBytes(v.proofOfPossession),
      })),
    )
    expect(set.size).toBe(4)
    for (const [i, p] of mains.entries()) {
      const c = p.file.config
      expect(p.name).toBe(validatorNetworkName(i))
      expect(c.validatorKey).toBe(accounts[i]!.privateKey)
      expect(validatorAddressOf(c)).toBe(accounts[i]!.address.toLowerCase())
      expect(c.governance).toBe(accounts[0]!.address.toLowerCase())
      expect((c.consensus as Consensus).blsSeed).toBe(blsSeedOf(accounts[i]!.privateKey as Hex))
      expect(c.genesisTimestamp).toBe(mains[0]!.file.config.genesisTimestamp)
      expect(c.chainId).toBe(900)
      expect(p.file.role).toBe(`validator ${i}`)
    }
  })

  it('one validator (the default) writes the single-key config the node runs today', () => {
    for (const validators of [undefined, 1]) {
      const plan = planMesh({ dataDir: join(dir, `one-${validators}`), spns: 1, mainnet: true, validators })
      const mains = plan.filter((p) => p.kind === 'mainnet')
      expect(mains.map((p) => p.name)).toEqual(['mainnet'])
      expect(mains[0]!.file.config).not.toHaveProperty('consensus')
      expect(mains[0]!.file.config).not.toHaveProperty('validatorKey')
      expect(mains[0]!.file.role).toBe('coordination')
      expect(() => parseMainnetConfig(mains[0]!.file.config)).not.toThrow()
      expect(validatorAddressOf(mains[0]!.file.config)).toBe(accounts[0]!.address.toLowerCase())
    }
  })

  it('p2p: validators bootstrap to each other, SPNs to every validator and the other SPNs', async () => {
    const plan = planMesh({ dataDir: join(dir, 'p2p'), spns: 2, mainnet: true, validators: 3 })
    await wireP2P(plan)
    const listen = new Map(plan.map((p) => [p.name, (p.file.config.p2p as { listen: string[] }).listen[0]!]))
    expect(new Set(listen.values()).size).toBe(5)
    const boot = (name: string) =>
      ((plan.find((p) => p.name === name)!.file.config.p2p as { bootstrap: string[] }).bootstrap ?? []).map(
        (a) => [...listen.entries()].find(([, l]) => a.startsWith(`${l}/p2p/`))?.[0],
      )
    expect(boot('mainnet')).toEqual(['mainnet-v1', 'mainnet-v2'])
    expect(boot('mainnet-v2')).toEqual(['mainnet', 'mainnet-v1'])
    expect(boot('spn1')).toEqual(['mainnet', 'mainnet-v1', 'mainnet-v2', 'spn2'])
    const single = planMesh({ dataDir: join(dir, 'p2p-one'), spns: 1, mainnet: true })
    await wireP2P(single)
    expect((single[0]!.file.config.p2p as { bootstrap: string[] }).bootstrap).toEqual([])
  })

  it('a resumed mesh keeps its validator count: another one is MESH_VALIDATORS_CHANGED', () => {
    const data = join(dir, 'resume')
    for (const p of planMesh({ dataDir: data, spns: 1, mainnet: true, validators: 2 }))
      writeNodeFile(p.configFile, p.file)
    const again = planMesh({ dataDir: data, spns: 1, mainnet: true, validators: 2 })
    expect(again.filter((p) => p.kind === 'mainnet').every((p) => p.resumed)).toBe(true)
    for (const n of [1, 3])
      expect(() => planMesh({ dataDir: data, spns: 1, mainnet: true, validators: n })).toThrow(
        `This mesh's main net has 2 validator(s); --validators asks for ${n}.`,
      )
  })

  it('without --validators: a new main net gets defaultValidators (the demo: DEMO_VALIDATORS), a resumed one keeps its count', () => {
    const fresh = planMesh({
      dataDir: join(dir, 'demo'),
      spns: 1,
      mainnet: true,
      defaultValidators: 4,
    })
    expect(fresh.filter((p) => p.kind === 'mainnet')).toHaveLength(4)
    const data = join(dir, 'resume-default')
    for (const p of planMesh({ dataDir: data, spns: 1, mainnet: true, validators: 2 }))
      writeNodeFile(p.configFile, p.file)
    for (const defaultValidators of [undefined, 1, 4, DEMO_VALIDATORS]) {
      const again = planMesh({ dataDir: data, spns: 1, mainnet: true, defaultValidators })
      expect(again.filter((p) => p.kind === 'mainnet').map((p) => p.resumed)).toEqual([true, true])
    }
  })
})

describe('mesh up --validators: option parsing', () => {
  const up = { usage: 'up', section: 'up' }
  it('is unset unless given (the plan picks 1, the demo 4, a resumed mesh its own) and takes 1..16 from the flag, env or config file', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mesh-noconfig-'))
    expect(resolveOptions(up, upOptions, {}, {}, cwd).validators).toBeUndefined()
    expect(resolveOptions(up, upOptions, { validators: '4' }, {}, cwd).validators).toBe(4)
    expect(resolveOptions(up, upOptions, {}, { MESH_VALIDATORS: '16' }, cwd).validators).toBe(16)
    for (const bad of ['0', '17', 'four', '2.5']) {
      let err: InvalidOptionError | undefined
      try {
        resolveOptions(up, upOptions, { validators: bad }, {}, cwd)
      } catch (e) {
        err = e as InvalidOptionError
      }
      expect(err?.issues).toEqual([
        {
          name: '--validators',
          expected: 'expected an integer from 1 to 16',
          given: `"${bad}" (command line)`,
        },
      ])
    }
  })
})

describe('banner and status: every validator', () => {
  const net = (name: string, validator: string, port: number) => ({
    name,
    kind: 'mainnet' as const,
    chainId: 900,
    vms: ['evm'],
    validator,
    rpcUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    pid: 1,
    dataDir: '/d',
    configFile: '/d/node.json',
    logFile: '/d/node.log',
  })
  it('the banner lists each validator with its address and RPC URL (none for a single one)', () => {
    const state: MeshState = {
      version: 1,
      dataDir: '/d',
      startedAt: '',
      networks: [net('mainnet', '0xaa', 1), net('mainnet-v1', '0xbb', 2)],
    }
    expect(validatorLines(state).slice(1)).toEqual([
      'Main-net validators (2, BFT: a block is final with > 2/3 of them)',
      '==================',
      '(0) 0xaa  http://127.0.0.1:1  (mainnet)',
      '(1) 0xbb  http://127.0.0.1:2  (mainnet-v1)',
    ])
    expect(validatorLines({ ...state, networks: state.networks.slice(0, 1) })).toEqual([])
  })

  it('status shows height, round and last-commit signers, or "single-key main net"', () => {
    const a = accounts[0]!.address
    const lines = consensusLines([
      {
        network: 'mainnet',
        mode: 'bft',
        validator: a,
        height: 12,
        round: 1,
        step: 'prevote',
        lastCommit: { number: 11, round: 0, signers: [a, accounts[1]!.address, accounts[2]!.address] },
      },
      { network: 'mainnet-v1', mode: 'down', error: 'not running' },
    ]).join('\n')
    expect(lines).toMatch(
      /mainnet +│? *0xf39Fd6…2266 +│? *12 +│? *1 +│? *prevote +│? *#11 \(round 0\) +│? *3: 0xf39Fd6…2266, 0x709979…79C8, 0x3C44Cd…93BC/,
    )
    expect(lines).toContain('down (not running)')
    expect(consensusLines([{ network: 'mainnet', mode: 'single-key' }])).toEqual([
      '',
      'Main net: single-key main net (one validator; no mesh_consensusStatus)',
    ])
    expect(consensusLines([])).toEqual([])
  })
})

describe('mesh_consensusStatus over HTTP', () => {
  /** A node answering `mesh_consensusStatus` with `answer` (a JSON-RPC result or error). */
  async function node(answer: { result?: unknown; error?: { code: number; message: string } }) {
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        const { id } = JSON.parse(body) as { id: number }
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ jsonrpc: '2.0', id, ...answer }))
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return { url, close: () => new Promise((r) => server.close(r)) }
  }

  it('a node without the method is a single-key main net; a BFT node reports its round and last commit', async () => {
    const old = await node({
      error: { code: -32601, message: 'the method mesh_consensusStatus does not exist/is not available' },
    })
    const bft = await node({
      result: {
        height: '0x2a',
        round: 0,
        step: 'propose',
        validator: accounts[1]!.address,
        lastCommit: { number: '0x29', round: 2, signers: [accounts[0]!.address] },
      },
    })
    const broken = await node({ error: { code: -32000, message: 'boom' } })
    try {
      expect(await consensusStatusOf({ name: 'mainnet', rpcUrl: old.url })).toEqual({
        network: 'mainnet',
        mode: 'single-key',
      })
      expect(await consensusStatusOf({ name: 'mainnet-v1', rpcUrl: bft.url })).toEqual({
        network: 'mainnet-v1',
        mode: 'bft',
        validator: accounts[1]!.address,
        height: 42,
        round: 0,
        step: 'propose',
        lastCommit: { number: 41, round: 2, signers: [accounts[0]!.address] },
      })
      expect(await consensusStatusOf({ name: 'x', rpcUrl: broken.url })).toMatchObject({ mode: 'down' })
    } finally {
      await Promise.all([old.close(), bft.close(), broken.close()])
    }
  })
})
