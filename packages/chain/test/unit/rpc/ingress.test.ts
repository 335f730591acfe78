import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSilentLogger, type z } from '@rollup-mesh/core'
// The real VM: chain's tests may use dual-vm (chain's src never imports it).
import { createSerialExecutor, genesisWriteSet, intrinsicGas, simulateCall } from '@rollup-mesh/dual-vm'
import type { Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createInlineDecoder, createTxDecoderPool } from '../../../src/decoder.js'
import { type ChainNode, createChainNode } from '../../../src/node/chainNode.js'
import type { NodeNetwork } from '../../../src/node/network.js'
import { createSendIngress } from '../../../src/rpc/ingress.js'
import { CHAIN_ID, signTx } from '../helpers.js'
import { idleProducer } from '../node/idleProducer.js'
import { testNodeConfigSchema } from '../node/testNodeConfig.js'

// Two nodes with the same genesis and a decode thread each: one parses transaction-carrying bodies there too
// (the ingress), the other parses them on its block thread and only recovers senders on the decode thread (as
// before the ingress). Every answer must be the same text.

const dir = mkdtempSync(join(tmpdir(), 'chain-ingress-'))
const MAX_BATCH = 40
const configSchema = testNodeConfigSchema(1_000)

type Node = ChainNode<z.output<typeof configSchema>, NodeNetwork, Record<never, never>>
const nodes: Node[] = []
afterAll(async () => {
  for (const n of nodes) await n.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function startNode(name: string, ingressOn: boolean): Promise<Node> {
  const node = createChainNode({
    role: 'test',
    config: configSchema.parse({
      chainId: Number(CHAIN_ID),
      dataDir: join(dir, name),
      devAccounts: 2,
      genesisTimestamp: 1_700_000_000n,
      decodeWorkers: 1,
      rpc: { readWorkers: 0, maxBatchSize: MAX_BATCH, ingress: ingressOn },
    }),
    logger: createSilentLogger(),
    clientVersion: 'test/0',
    vm: () => ({ executor: createSerialExecutor(), simulateCall, intrinsicGas, genesisWriteSet }),
    // no blocks: the pool answers every send
    producer: idleProducer,
  })
  nodes.push(node)
  await node.start()
  return node
}

async function post(url: string, body: string): Promise<string> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  return `${res.status} ${await res.text()}`
}

const send = (id: string | number | null | undefined, raw: unknown, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  ...(id === undefined ? {} : { id }),
  method: 'eth_sendRawTransaction',
  params: [raw],
  ...extra,
})

/** `raw` with one byte of its signature's `s` changed: another sender, or none. */
const tampered = (raw: Hex): Hex => `${raw.slice(0, -2)}${raw.endsWith('00') ? '01' : '00'}` as Hex

let ingress: Node
let onThread: Node
beforeAll(async () => {
  ;[ingress, onThread] = await Promise.all([startNode('ingress', true), startNode('on-thread', false)])
}, 60_000)

describe('RPC ingress: transaction bodies parsed and decoded on the decode thread', () => {
  it('answers every send, refusal and batch with the same text as the block thread, and pools the same', async () => {
    const a = (nonce: number, o = {}) => signTx(0, { nonce, ...o })
    const b = (nonce: number, o = {}) => signTx(1, { nonce, ...o })
    const valid = await Promise.all([a(0), a(1), b(0), b(1), a(2)])
    const bodies: string[] = [
      JSON.stringify(send(1, valid[0])),
      JSON.stringify([
        send(2, valid[1]),
        send('x', valid[2]),
        send(3, valid[1]), // already known
        send(4, valid[0]), // already known (pooled above)
        send(5, await a(0, { chainId: 1 })), // wrong chain id
        send(6, '0x02zz'), // not hex
        send(7, '0x'), // empty
        send(8, 42), // not a string
        send(9, valid[3], { params: [valid[3], 'extra'] }), // too many params
        send(10, valid[3], { jsonrpc: '1.0' }), // invalid envelope
        send(11, tampered(valid[3] as Hex)), // another sender (unfunded) or no sender
        send(12, await b(9, { maxFeePerGas: 1n, maxPriorityFeePerGas: 1n })), // fee cap below base fee
        send(null, valid[3]),
        send(undefined, valid[4]), // a notification: pooled, not answered
        { jsonrpc: '2.0', id: 13, method: 'eth_chainId' },
        { jsonrpc: '2.0', id: 14, method: 'eth_noSuchMethod', params: [] },
        'not a request',
        send(15, await a(40)), // a nonce gap: held back in the pool
      ]),
      // invalid JSON, too deep, a BOM: refused before dispatch, on either thread
      `[${JSON.stringify(send(16, valid[4]))}`,
      JSON.stringify(send(17, valid[4], { deep: JSON.parse(`${'['.repeat(70)}${']'.repeat(70)}`) })),
      `\ufeff${JSON.stringify(send(18, valid[4]))}`,
      // a batch over the limit is refused whole
      JSON.stringify(Array.from({ length: MAX_BATCH + 1 }, (_, i) => send(100 + i, valid[4]))),
      JSON.stringify([send(19, valid[4]), send(20, valid[4])]),
      // only notifications: no answer
      JSON.stringify([send(undefined, valid[2])]),
    ]
    for (const body of bodies) {
      const [x, y] = await Promise.all([post(ingress.rpcUrl, body), post(onThread.rpcUrl, body)])
      expect(x, body.slice(0, 200)).toBe(y)
    }
    const pool = (n: Node) =>
      post(n.rpcUrl, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'txpool_content', params: [] }))
    expect(await pool(ingress)).toBe(await pool(onThread))
    expect(ingress.chain.mempool.size).toBe(6)
  })
})

describe('createSendIngress', () => {
  it('takes only bodies with transactions, and the decode answers from the thread’s work', async () => {
    const pool = createTxDecoderPool({ chainId: CHAIN_ID, workers: 1 })
    const inline = createInlineDecoder(CHAIN_ID)
    try {
      const take = createSendIngress(pool)
      const limits = { maxDepth: 64, maxBatchSize: 10 }
      const poll = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber' }))
      expect(take.take(poll, limits)).toBeUndefined()
      expect(createSendIngress(inline).take(poll, limits)).toBeUndefined()
      const raws = await Promise.all([signTx(0, { nonce: 0 }), signTx(1, { nonce: 3 })])
      const payload = [send(1, raws[0]), send(2, raws[1]), send(3, 7)]
      const parsed = await take.take(Buffer.from(JSON.stringify(payload)), limits)
      expect(parsed && 'payload' in parsed ? parsed.payload : undefined).toEqual(payload)
      for (const raw of raws) expect(await pool.decode(raw)).toEqual(await inline.decode(raw))
      parsed?.done()
      const wrong = await signTx(0, { chainId: 5 })
      const refused = await take.take(Buffer.from(JSON.stringify(send(4, wrong))), limits)
      const [x, y] = await Promise.all([
        pool.decode(wrong).catch((e: Error) => e.message),
        inline.decode(wrong).catch((e: Error) => e.message),
      ])
      refused?.done()
      expect(x).toBe(y)
      expect(x).toMatch(/invalid chain id/)
      const bad = await take.take(Buffer.from(`{"method":"eth_sendRawTransaction"`), limits)
      expect(bad && 'parseError' in bad).toBe(true)
    } finally {
      await pool.close()
    }
  })
})
