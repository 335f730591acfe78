import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Chain } from '../../../src/chain.js'
import { createEthMethods } from '../../../src/rpc/eth.js'
import type { RPCMethods } from '../../../src/rpc/server.js'
import { createTxpoolMethods } from '../../../src/rpc/txpool.js'
import { signTx } from '../helpers.js'
import { alice, bob, invoke, openDevChain, signCreate } from './devChain.js'

let chain: Chain
let methods: RPCMethods
let eth: RPCMethods

beforeAll(async () => {
  chain = await openDevChain()
  methods = createTxpoolMethods(chain)
  eth = createEthMethods(chain)
})
afterAll(() => chain.store.close())

describe('txpool_status / txpool_content / txpool_contentFrom / txpool_inspect', () => {
  it('splits the pool into pending (runs next) and queued (behind a nonce gap), by sender and decimal nonce', async () => {
    expect(await invoke(methods, 'txpool_status')).toEqual({ pending: '0x0', queued: '0x0' })
    const a0 = await chain.mempool.add(await signTx(0, { nonce: 0, value: 7n }))
    const a1 = await chain.mempool.add(await signTx(0, { nonce: 1 }))
    const a3 = await chain.mempool.add(await signCreate(0, 3, '0x6000', 60_000n)) // gap at 2
    const b0 = await chain.mempool.add(await signTx(1, { nonce: 0 }))
    expect(await invoke(methods, 'txpool_status')).toEqual({ pending: '0x3', queued: '0x1' })
    const content = (await invoke(methods, 'txpool_content')) as Record<
      string,
      Record<string, Record<string, unknown>>
    >
    expect(Object.keys(content.pending ?? {}).sort()).toEqual([alice, bob].sort())
    expect(Object.keys(content.pending?.[alice] ?? {})).toEqual(['0', '1'])
    expect(Object.keys(content.queued?.[alice] ?? {})).toEqual(['3'])
    // Each entry is the transaction object eth_getTransactionByHash answers for a pooled transaction.
    expect(content.pending?.[alice]?.['0']).toEqual(await invoke(eth, 'eth_getTransactionByHash', [a0]))
    expect(content.pending?.[alice]?.['1']).toMatchObject({
      hash: a1,
      blockHash: null,
      blockNumber: null,
      transactionIndex: null,
    })
    expect(content.queued?.[alice]?.['3']).toMatchObject({ hash: a3, to: null, nonce: '0x3' })
    expect(content.pending?.[bob]?.['0']).toMatchObject({ hash: b0 })

    expect(await invoke(methods, 'txpool_contentFrom', [alice])).toEqual({
      pending: content.pending?.[alice],
      queued: content.queued?.[alice],
    })
    expect(await invoke(methods, 'txpool_contentFrom', [`0x${'77'.repeat(20)}`])).toEqual({
      pending: {},
      queued: {},
    })

    expect(await invoke(methods, 'txpool_inspect')).toEqual({
      pending: {
        [alice]: {
          '0': '0x000000000000000000000000000000000000dead: 7 wei + 21000 gas × 2000000000 wei',
          '1': '0x000000000000000000000000000000000000dead: 1 wei + 21000 gas × 2000000000 wei',
        },
        [bob]: { '0': '0x000000000000000000000000000000000000dead: 1 wei + 21000 gas × 2000000000 wei' },
      },
      queued: { [alice]: { '3': 'contract creation: 0 wei + 60000 gas × 2000000000 wei' } },
    })
  })

  it('moves a queued transaction to pending when its gap fills, and empties as blocks include them', async () => {
    await chain.mempool.add(await signTx(0, { nonce: 2 }))
    expect(await invoke(methods, 'txpool_status')).toEqual({ pending: '0x5', queued: '0x0' })
    await chain.produceBlock()
    expect(await invoke(methods, 'txpool_status')).toEqual({ pending: '0x0', queued: '0x0' })
    expect(await invoke(methods, 'txpool_content')).toEqual({ pending: {}, queued: {} })
  })

  it('refuses arguments where none are taken, and a bad address', async () => {
    await expect(invoke(methods, 'txpool_status', [1])).rejects.toMatchObject({ rpcCode: -32602 })
    await expect(invoke(methods, 'txpool_contentFrom', ['0x12'])).rejects.toMatchObject({ rpcCode: -32602 })
  })
})
