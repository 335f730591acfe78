import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSilentLogger } from '@rollup-mesh/core'
// The real VM: chain's tests may use dual-vm (chain's src never imports it).
import { createSerialExecutor, genesisWriteSet, intrinsicGas, simulateCall } from '@rollup-mesh/dual-vm'
import { afterAll, describe, expect, it } from 'vitest'
import { createChainNode } from '../../../src/node/chainNode.js'
import { keys } from '../helpers.js'
import { testNodeConfigSchema } from './testNodeConfig.js'

const dir = mkdtempSync(join(tmpdir(), 'chain-node-methods-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const configSchema = testNodeConfigSchema(1_000)

async function answers(dev: boolean, requests: [string, unknown[]][]) {
  const node = createChainNode({
    role: 'test',
    config: configSchema.parse({ chainId: 31_337, dataDir: join(dir, String(dev)), devAccounts: 2, dev }),
    logger: createSilentLogger(),
    clientVersion: 'test/0',
    vm: () => ({ executor: createSerialExecutor(), simulateCall, intrinsicGas, genesisWriteSet }),
    producer: () => ({ start: async () => {}, stop: async () => {}, isStarted: () => true }),
  })
  await node.start()
  try {
    const res = await fetch(node.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(requests.map(([method, params], id) => ({ jsonrpc: '2.0', id, method, params }))),
    })
    return ((await res.json()) as { result?: unknown; error?: { code: number } }[]).map(
      (r) => r.error?.code ?? 'ok',
    )
  } finally {
    await node.stop()
  }
}

describe('the node registers filters, block queries and txpool everywhere, dev-account signing on dev networks', () => {
  const requests: [string, unknown[]][] = [
    ['eth_newBlockFilter', []],
    ['eth_getBlockReceipts', ['latest']],
    ['txpool_status', []],
    ['personal_sign', ['0x00', keys[0]?.address]],
    ['eth_signTransaction', [{ from: keys[0]?.address, to: keys[1]?.address, gas: '0x5208' }]],
  ]

  it('dev: true (the default; what `mesh up` starts) answers all of them', async () => {
    expect(await answers(true, requests)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok'])
  })

  it('dev: false (production) has no signing methods (-32601)', async () => {
    expect(await answers(false, requests)).toEqual(['ok', 'ok', 'ok', -32601, -32601])
  })
})
