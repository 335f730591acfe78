import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSilentLogger } from '@rollup-mesh/core'
// The real VM: chain's tests may use dual-vm (chain's src never imports it).
import { createSerialExecutor, genesisWriteSet, intrinsicGas, simulateCall } from '@rollup-mesh/dual-vm'
import { type Address, numberToHex } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import type { Chain } from '../../../src/chain.js'
import { createChainNode, type NodeService } from '../../../src/node/chainNode.js'
import type { ChainNodeConfig } from '../../../src/node/config.js'
import type { NodeNetwork } from '../../../src/node/network.js'
import type { NodeVM } from '../../../src/node/vm.js'
import type { BlockProducer } from '../../../src/producer.js'
import { keys } from '../helpers.js'
import { testNodeConfigSchema } from './testNodeConfig.js'

const logger = createSilentLogger()
const dir = mkdtempSync(join(tmpdir(), 'chain-node-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const configSchema = testNodeConfigSchema(50)

function config(name: string, input: Record<string, unknown> = {}): ChainNodeConfig {
  return configSchema.parse({ chainId: 31_337, dataDir: join(dir, name), devAccounts: 2, ...input })
}

/** A VM whose executor records its lifecycle into `log`. */
function vm(log: string[]): () => NodeVM {
  return () => {
    const executor = createSerialExecutor()
    return {
      executor: Object.assign(executor, {
        start: async () => void log.push('executor.start'),
        close: async () => void log.push('executor.close'),
      }),
      simulateCall,
      intrinsicGas,
      genesisWriteSet,
    }
  }
}

function service(name: string, log: string[], onStart?: () => void): NodeService {
  return {
    start: async () => {
      onStart?.()
      log.push(`${name}.start`)
    },
    stop: async () => void log.push(`${name}.stop`),
  }
}

function network(log: string[]): NodeNetwork {
  let started = false
  return {
    peerId: '12D3KooWtest',
    getMultiaddrs: () => ['/ip4/127.0.0.1/tcp/4001'],
    getPeers: () => [],
    start: async () => {
      started = true
      log.push('p2p.start')
    },
    stop: async () => {
      started = false
      log.push('p2p.stop')
    },
    isStarted: () => started,
  }
}

function producer(log: string[]): (chain: Chain) => BlockProducer {
  return () => {
    let started = false
    return {
      start: async () => {
        started = true
        log.push('producer.start')
      },
      stop: async () => {
        started = false
        log.push('producer.stop')
      },
      isStarted: () => started,
    }
  }
}

async function call(node: { rpcUrl: string }, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(node.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await res.json()) as { result?: unknown; error?: { code: number; message: string } }
  if (body.error) throw Object.assign(new Error(body.error.message), { rpcCode: body.error.code })
  return body.result
}

describe('createChainNode', () => {
  it('starts libp2p, executor, RPC, producer, then services in order, and stops them in reverse', async () => {
    const log: string[] = []
    const cfg = config('order', { p2p: { enabled: true } })
    const rpcFile = join(cfg.dataDir, 'rpc.json')
    const node = createChainNode({
      role: 'test',
      config: cfg,
      logger,
      clientVersion: 'test/0',
      vm: vm(log),
      producer: producer(log),
      network: async (options) => {
        log.push(`p2p.create ${options.dataDir === cfg.dataDir}`)
        return network(log)
      },
      services: () => ({
        first: service('first', log),
        // rpc.json is written once everything runs: not yet while the last service starts
        last: service('last', log, () => log.push(`rpc.json ${existsSync(rpcFile)}`)),
        passive: { note: 'no lifecycle' },
      }),
    })
    await node.start()
    await node.start() // idempotent
    expect(log).toEqual([
      'p2p.create true',
      'p2p.start',
      'executor.start',
      'producer.start',
      'first.start',
      'rpc.json false',
      'last.start',
    ])
    expect(node.isStarted()).toBe(true)
    expect(await call(node, 'web3_clientVersion')).toBe('test/0')
    log.length = 0
    await node.stop()
    expect(log).toEqual(['last.stop', 'first.stop', 'producer.stop', 'p2p.stop', 'executor.close'])
    expect(node.isStarted()).toBe(false)
    await expect(call(node, 'eth_blockNumber')).rejects.toThrow()
  })

  it('writes rpc.json once started and keeps it after stop', async () => {
    const cfg = config('rpcjson', { p2p: { enabled: true } })
    const node = createChainNode({
      role: 'test',
      config: cfg,
      logger,
      clientVersion: 'test/0',
      vm: vm([]),
      network: async () => network([]),
    })
    const path = join(cfg.dataDir, 'rpc.json')
    expect(existsSync(path)).toBe(false)
    await node.start()
    const file = JSON.parse(readFileSync(path, 'utf8'))
    expect(file).toEqual({
      rpcUrl: node.rpcUrl,
      wsUrl: node.wsUrl,
      pid: process.pid,
      chainId: 31_337,
      multiaddrs: ['/ip4/127.0.0.1/tcp/4001'],
    })
    await node.stop()
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(file)
  })

  it('builds genesis from dev accounts, the node accounts and the config alloc, and resumes it', async () => {
    const system = '0x0000000000000000000000000000000000001001' as Address
    const contract = '0x0000000000000000000000000000000000001002' as Address
    const extra = '0x00000000000000000000000000000000000000aa' as Address
    const dev0 = keys[0]?.address.toLowerCase() as Address
    const cfg = config('genesis', {
      devBalance: 5n,
      alloc: { [extra]: { balance: 7n }, [system]: { balance: 9n } },
    })
    const make = () =>
      createChainNode({
        role: 'test',
        config: cfg,
        logger,
        clientVersion: 'test/0',
        vm: vm([]),
        producer: producer([]), // blocks only by hand
        genesis: () => ({
          [system]: { balance: 3n, code: '0x00' },
          [contract]: { code: '0x00' },
          [dev0]: { balance: 4n },
        }),
        info: () => ({ extra: 'yes' }),
        methods: ({ chain }) => ({ test_head: () => numberToHex(chain.head().number) }),
      })
    const node = make()
    await node.start()
    const balance = async (a: Address) =>
      BigInt((await call(node, 'eth_getBalance', [a, 'latest'])) as string)
    expect(await balance(dev0)).toBe(4n) // the node's accounts override the dev accounts
    expect(await balance(keys[1]?.address as Address)).toBe(5n)
    expect(await balance(system)).toBe(9n) // the config's alloc overrides both
    // ...account by account: the system account's code went with it
    expect(await call(node, 'eth_getCode', [system, 'latest'])).toBe('0x')
    expect(await call(node, 'eth_getCode', [contract, 'latest'])).toBe('0x00')
    expect(await balance(extra)).toBe(7n)
    expect(await call(node, 'eth_accounts')).toEqual(keys.slice(0, 2).map((k) => k.address.toLowerCase()))
    expect(await call(node, 'test_head')).toBe('0x0')
    const info = (await call(node, 'mesh_nodeInfo')) as Record<string, unknown>
    expect(info).toMatchObject({ role: 'test', chainId: '0x7a69', extra: 'yes', peers: [], multiaddrs: [] })
    const genesisHash = node.chain.head().hash
    await node.chain.produceBlock()
    await node.stop()
    const again = make()
    await again.start()
    expect(again.chain.head().number).toBe(1n)
    expect(again.chain.store.getHeaderByNumber(0n)?.hash).toBe(genesisHash)
    await again.stop()
  })

  it('serves its own Prometheus metrics on GET /metrics', async () => {
    const node = createChainNode({
      role: 'test',
      config: config('metrics'),
      logger,
      clientVersion: 'test/0',
      vm: vm([]),
    })
    await node.start()
    try {
      await call(node, 'eth_chainId')
      const res = await fetch(`${node.rpcUrl}/metrics`)
      expect(res.status).toBe(200)
      const text = await res.text()
      expect(text).toMatch(/^mesh_rpc_requests_total\{[^}]*method="eth_chainId"[^}]*\} 1$/m)
      expect(text).toMatch(/^mesh_head_block_number\{chain_id="31337"\} \d+$/m)
      expect(text).toMatch(/^mesh_p2p_peers\{chain_id="31337"\} 0$/m)
    } finally {
      await node.stop()
    }
  })

  it('closes the store when stopped without being started', async () => {
    const cfg = config('unstarted')
    const node = createChainNode({
      role: 'test',
      config: cfg,
      logger,
      clientVersion: 'test/0',
      vm: vm([]),
    })
    await node.stop()
    expect(() => node.chain.store.head()).toThrow()
  })

  it('a production config (dev: false) signs nothing: no eth_sendTransaction, no dev accounts, the pool stays empty', async () => {
    const node = createChainNode({
      role: 'test',
      config: config('production', { dev: false }),
      logger,
      clientVersion: 'test/0',
      vm: vm([]),
      producer: producer([]),
    })
    await node.start()
    try {
      expect(await call(node, 'eth_accounts')).toEqual([])
      const from = keys[0]?.address
      await expect(
        call(node, 'eth_sendTransaction', [{ from, to: from, value: '0x1' }]),
      ).rejects.toMatchObject({
        rpcCode: -32601,
        message: expect.stringMatching(/eth_sendTransaction is not available.*not a dev network/),
      })
      expect(node.chain.mempool.size).toBe(0)
    } finally {
      await node.stop()
    }
  })
})
