import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSilentLogger, type z } from '@rollup-mesh/core'
// The real VM, WASM included: chain's tests may use dual-vm (chain's src never imports it).
import {
  compileAssemblyScript,
  createSerialExecutor,
  createWasmEngine,
  genesisWriteSet,
  intrinsicGas,
  simulateCall,
} from '@rollup-mesh/dual-vm'
import {
  type Abi,
  type Address,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  keccak256,
  toHex,
} from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ChainNode, createChainNode } from '../../../src/node/chainNode.js'
import type { NodeNetwork } from '../../../src/node/network.js'
import { CHAIN_ID, keys, signers, signTx } from '../helpers.js'
import { idleProducer } from '../node/idleProducer.js'
import { testNodeConfigSchema } from '../node/testNodeConfig.js'
import { logEmitter, signCreate } from './devChain.js'

// Two nodes built from the same transactions at the same timestamps (so the same blocks, hashes included):
// one answers reads on 2 read workers, the other on its block thread. Every read must answer the same bytes.

const dir = mkdtempSync(join(tmpdir(), 'chain-read-workers-'))
const GENESIS = 1_700_000_000n
const configSchema = testNodeConfigSchema(1_000)

type Node = ChainNode<z.output<typeof configSchema>, NodeNetwork, Record<never, never>>
const nodes: Node[] = []
afterAll(async () => {
  for (const n of nodes) await n.stop()
  rmSync(dir, { recursive: true, force: true })
})

function startNode(name: string, readWorkers: number): Promise<Node> {
  const wasm = createWasmEngine()
  const node = createChainNode({
    role: 'test',
    config: configSchema.parse({
      chainId: Number(CHAIN_ID),
      dataDir: join(dir, name),
      devAccounts: 2,
      genesisTimestamp: GENESIS,
      rpc: { readWorkers },
    }),
    logger: createSilentLogger(),
    clientVersion: 'test/0',
    vm: () => ({
      executor: createSerialExecutor({ wasm }),
      simulateCall: (p) => simulateCall({ ...p, wasm }),
      intrinsicGas,
      genesisWriteSet,
    }),
    // blocks are sealed by the test, at fixed timestamps
    producer: idleProducer,
  })
  nodes.push(node)
  return node.start().then(() => node)
}

async function post(url: string, body: unknown): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return res.text()
}

/** A sample of `name` whose labels include `label` (`thread="worker"`), in a Prometheus text exposition. */
const sample = (text: string, name: string, label: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label))
  return Number(line?.split(' ')[1] ?? Number.NaN)
}

let pooled: Node
let onThread: Node
let token: Address
const txHashes: Hex[] = []
let pendingHash: Hex
let queuedHash: Hex
const TRANSFER = keccak256(toHex('Transfer(address,address,uint256)'))

beforeAll(async () => {
  const compiled = await compileAssemblyScript(
    join(import.meta.dirname, '../../../../../examples/contracts/token.ts'),
  )
  const abi = compiled.abi as Abi
  const fee = { maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n }
  const alice = signers[0]!
  const tokenCall = (nonce: number, to: Address, amount: bigint) =>
    alice.signTransaction({
      type: 'eip1559',
      chainId: Number(CHAIN_ID),
      nonce,
      gas: 1_000_000n,
      to: token,
      data: encodeFunctionData({ abi, functionName: 'transfer', args: [to, amount] }),
      ...fee,
    })
  const deploy = await alice.signTransaction({
    type: 'eip1559',
    chainId: Number(CHAIN_ID),
    nonce: 1,
    gas: 10_000_000n,
    data: encodeDeployData({ abi, bytecode: compiled.bytecode, args: ['Wasm Token', 'WASM', 5_000n] }),
    ...fee,
  })
  ;[pooled, onThread] = await Promise.all([startNode('pooled', 2), startNode('on-thread', 0)])
  const bob = keys[1]!.address.toLowerCase() as Address
  // the blocks: EVM only, the WASM deploy, mixed EVM + WASM (logs from both VMs), empty
  const blocks: Hex[][] = [
    [await signCreate(0, 0, logEmitter(keccak256(toHex('A')))), await signTx(1, { nonce: 0, value: 7n })],
    [deploy],
  ]
  for (const [i, raws] of blocks.entries()) {
    for (const node of nodes) {
      for (const raw of raws) await node.chain.mempool.add(raw)
      await node.chain.produceBlock(GENESIS + BigInt(i) + 1n)
    }
  }
  const deployed = (await pooled.chain.store.getReceipt(keccak256(deploy)))?.receipt
  expect(deployed?.status).toBe(1)
  token = deployed?.contractAddress as Address
  const mixed = [
    await tokenCall(2, bob, 5n),
    await signCreate(1, 1, logEmitter(keccak256(toHex('B')))),
    await tokenCall(3, bob, 6n),
    await signTx(1, { nonce: 2, value: 9n }),
  ]
  for (const [i, raws] of [mixed, []].entries())
    for (const node of nodes) {
      for (const raw of raws) await node.chain.mempool.add(raw)
      await node.chain.produceBlock(GENESIS + 10n + BigInt(i))
    }
  for (const raws of [...blocks, mixed]) txHashes.push(...raws.map((r) => keccak256(r)))
  // pooled, not mined: one executable (alice's next nonce), one queued behind a gap
  const pending = await signTx(0, { nonce: 4, value: 1n })
  const queued = await signTx(0, { nonce: 9, value: 1n })
  for (const node of nodes) {
    await node.chain.mempool.add(pending)
    await node.chain.mempool.add(queued)
  }
  pendingHash = keccak256(pending)
  queuedHash = keccak256(queued)
  expect(pooled.chain.head().hash).toBe(onThread.chain.head().hash)
}, 120_000)

/** The read requests compared: every block, transaction and receipt, logs, tags, unknowns and bad params. */
function readRequests(): { method: string; params: unknown[] }[] {
  const head = Number(pooled.chain.head().number)
  const unknown: Hex = `0x${'ab'.repeat(32)}`
  const out: { method: string; params: unknown[] }[] = []
  for (let n = 0; n <= head + 1; n++) {
    const h = pooled.chain.store.getHeaderByNumber(BigInt(n))?.hash ?? unknown
    out.push(
      { method: 'eth_getBlockByNumber', params: [toHex(n), false] },
      { method: 'eth_getBlockByNumber', params: [toHex(n), true] },
      { method: 'eth_getBlockByHash', params: [h, true] },
      { method: 'eth_getBlockReceipts', params: [toHex(n)] },
      { method: 'eth_getBlockReceipts', params: [{ blockHash: h }] },
      { method: 'eth_getBlockTransactionCountByNumber', params: [toHex(n)] },
      { method: 'eth_getBlockTransactionCountByHash', params: [h] },
      { method: 'eth_getTransactionByBlockNumberAndIndex', params: [toHex(n), '0x1'] },
      { method: 'eth_getTransactionByBlockHashAndIndex', params: [h, '0x0'] },
      { method: 'eth_getUncleCountByBlockNumber', params: [toHex(n)] },
      { method: 'eth_getUncleByBlockHashAndIndex', params: [h, '0x0'] },
    )
  }
  for (const tag of ['latest', 'earliest', 'pending', 'safe', 'finalized'])
    out.push(
      { method: 'eth_getBlockByNumber', params: [tag, true] },
      { method: 'eth_getBlockReceipts', params: [tag] },
    )
  for (const hash of [...txHashes, pendingHash, queuedHash, unknown])
    out.push(
      { method: 'eth_getTransactionByHash', params: [hash] },
      { method: 'eth_getTransactionReceipt', params: [hash] },
    )
  out.push(
    { method: 'eth_getLogs', params: [{ fromBlock: '0x0', toBlock: 'latest' }] },
    { method: 'eth_getLogs', params: [{ fromBlock: 'earliest', address: token, topics: [TRANSFER] }] },
    { method: 'eth_getLogs', params: [{ blockHash: pooled.chain.head().parentHash }] },
    { method: 'eth_getLogs', params: [{ blockHash: unknown }] },
    { method: 'eth_getLogs', params: [{ fromBlock: '0x3', toBlock: '0x1' }] },
    { method: 'eth_getLogs', params: [{ fromBlock: '0x0', toBlock: '0xffffff' }] },
    // bad params: the same errors from both threads
    { method: 'eth_getBlockByNumber', params: ['0xzz'] },
    { method: 'eth_getBlockByHash', params: ['0x12', false] },
    { method: 'eth_getTransactionReceipt', params: [] },
    { method: 'eth_getTransactionByHash', params: [42] },
    { method: 'eth_getLogs', params: [{ topics: 'nope' }] },
  )
  return out
}

describe('read-only RPC on read workers (rpc.readWorkers)', () => {
  it('answers every read byte for byte as the block thread does, one by one and in batches, in order', async () => {
    const requests = readRequests()
    expect(requests.length).toBeGreaterThan(100)
    for (const [i, r] of requests.entries()) {
      const body = { jsonrpc: '2.0', id: i % 2 ? i : `r${i}`, ...r }
      const [a, b] = await Promise.all([post(pooled.rpcUrl, body), post(onThread.rpcUrl, body)])
      expect(a, `${r.method} ${JSON.stringify(r.params)}`).toBe(b)
    }
    // one batch of them all, with a notification (no answer) and a non-read method between
    const batch: Record<string, unknown>[] = requests.map((r, i) => ({ jsonrpc: '2.0', id: i, ...r }))
    batch.splice(3, 0, { jsonrpc: '2.0', method: 'eth_getBlockByNumber', params: ['latest'] })
    batch.splice(7, 0, { jsonrpc: '2.0', id: 'n', method: 'eth_blockNumber', params: [] })
    const [a, b] = await Promise.all([post(pooled.rpcUrl, batch), post(onThread.rpcUrl, batch)])
    expect(a).toBe(b)
    expect((JSON.parse(a) as { id: unknown }[]).map((r) => r.id)).toEqual(
      batch.filter((r) => 'id' in r).map((r) => r.id),
    )
    // the reads really were answered by the workers (and pooled transactions by the main thread)
    const metrics = await (await fetch(`${pooled.rpcUrl}/metrics`)).text()
    expect(sample(metrics, 'mesh_rpc_reads_total', 'thread="worker"')).toBeGreaterThan(requests.length)
    expect(sample(metrics, 'mesh_rpc_reads_total', 'thread="main"')).toBeGreaterThanOrEqual(4)
    const other = await (await fetch(`${onThread.rpcUrl}/metrics`)).text()
    expect(sample(other, 'mesh_rpc_reads_total', 'thread="worker"')).toBeNaN()
  })

  it('sees a block once it is committed: latest moves, its receipts appear', async () => {
    const before = await post(pooled.rpcUrl, {
      jsonrpc: '2.0',
      id: 1,
      method: 'eth_getTransactionReceipt',
      params: [pendingHash],
    })
    expect(JSON.parse(before).result).toBeNull()
    for (const node of nodes) await node.chain.produceBlock(GENESIS + 20n)
    const receipt = JSON.parse(
      await post(pooled.rpcUrl, {
        jsonrpc: '2.0',
        id: 1,
        method: 'eth_getTransactionReceipt',
        params: [pendingHash],
      }),
    ).result
    expect(receipt.blockNumber).toBe(toHex(pooled.chain.head().number))
    const latest = JSON.parse(
      await post(pooled.rpcUrl, {
        jsonrpc: '2.0',
        id: 1,
        method: 'eth_getBlockByNumber',
        params: ['latest', false],
      }),
    ).result
    expect(latest.hash).toBe(pooled.chain.head().hash)
    expect(latest.transactions).toEqual([pendingHash])
  })
})
