import { type Hex, keccak256, toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Chain } from '../../../src/chain.js'
import { RPCError, RPCErrorCode } from '../../../src/errors.js'
import { createBlockQueryMethods } from '../../../src/rpc/blockQueries.js'
import { createEthMethods } from '../../../src/rpc/eth.js'
import type { RPCMethods } from '../../../src/rpc/server.js'
import type { SealedBlock } from '../../../src/sealedBlock.js'
import { signTx } from '../helpers.js'
import { invoke, logEmitter, openDevChain, signCreate } from './devChain.js'

let chain: Chain
let eth: RPCMethods
let methods: RPCMethods
let block: SealedBlock
const UNKNOWN: Hex = `0x${'ab'.repeat(32)}`

beforeAll(async () => {
  chain = await openDevChain()
  eth = createEthMethods(chain)
  methods = createBlockQueryMethods(chain)
  // One block with three transactions, two of them emitting logs (block-wide log indices 0 and 1).
  await chain.mempool.add(await signCreate(0, 0, logEmitter(keccak256(toHex('A')))))
  await chain.mempool.add(await signTx(1, { nonce: 0, value: 5n }))
  await chain.mempool.add(await signCreate(0, 1, logEmitter(keccak256(toHex('B')))))
  block = await chain.produceBlock()
  await chain.produceBlock() // an empty block after it
})
afterAll(() => chain.store.close())

describe('eth_getBlockReceipts', () => {
  it('answers the block’s receipts in order, each equal to eth_getTransactionReceipt, by number, tag, hash and EIP-1898', async () => {
    expect(block.txs).toHaveLength(3)
    const single = await Promise.all(
      block.txs.map((tx) => invoke(eth, 'eth_getTransactionReceipt', [tx.hash])),
    )
    const byNumber = await invoke(methods, 'eth_getBlockReceipts', [toHex(block.header.number)])
    expect(byNumber).toEqual(single)
    expect(await invoke(methods, 'eth_getBlockReceipts', [block.header.hash])).toEqual(single)
    expect(await invoke(methods, 'eth_getBlockReceipts', [{ blockHash: block.header.hash }])).toEqual(single)
    const logs = (single as { logs: { logIndex: Hex }[] }[]).flatMap((r) => r.logs.map((l) => l.logIndex))
    expect(logs).toEqual(['0x0', '0x1'])
    expect(await invoke(methods, 'eth_getBlockReceipts', ['latest'])).toEqual([])
    expect(await invoke(methods, 'eth_getBlockReceipts', ['0x99'])).toBeNull()
    expect(await invoke(methods, 'eth_getBlockReceipts', [UNKNOWN])).toBeNull()
  })
})

describe('transaction counts and transactions by block and index', () => {
  it('counts by hash like eth_getBlockTransactionCountByNumber; null for an unknown block', async () => {
    expect(await invoke(methods, 'eth_getBlockTransactionCountByHash', [block.header.hash])).toBe('0x3')
    expect(await invoke(eth, 'eth_getBlockTransactionCountByNumber', [toHex(block.header.number)])).toBe(
      '0x3',
    )
    expect(await invoke(methods, 'eth_getBlockTransactionCountByHash', [UNKNOWN])).toBeNull()
  })

  it('answers what eth_getTransactionByHash answers, by number or hash and index; null past the end', async () => {
    for (const [i, tx] of block.txs.entries()) {
      const expected = await invoke(eth, 'eth_getTransactionByHash', [tx.hash])
      expect(
        await invoke(methods, 'eth_getTransactionByBlockNumberAndIndex', [
          toHex(block.header.number),
          toHex(i),
        ]),
      ).toEqual(expected)
      expect(
        await invoke(methods, 'eth_getTransactionByBlockHashAndIndex', [block.header.hash, toHex(i)]),
      ).toEqual(expected)
    }
    expect(
      await invoke(methods, 'eth_getTransactionByBlockNumberAndIndex', [toHex(block.header.number), '0x3']),
    ).toBeNull()
    expect(await invoke(methods, 'eth_getTransactionByBlockHashAndIndex', [UNKNOWN, '0x0'])).toBeNull()
    expect(await invoke(methods, 'eth_getTransactionByBlockNumberAndIndex', ['latest', '0x0'])).toBeNull()
  })

  it('refuses a malformed index or hash with -32602 naming the argument', async () => {
    const err = await invoke(methods, 'eth_getTransactionByBlockHashAndIndex', [
      block.header.hash,
      'one',
    ]).catch((e) => e)
    expect(err).toBeInstanceOf(RPCError)
    expect(err).toMatchObject({
      rpcCode: RPCErrorCode.invalidParams,
      shortMessage: expect.stringContaining('argument 1'),
    })
    const short = await invoke(methods, 'eth_getBlockTransactionCountByHash', ['0x12']).catch((e) => e)
    expect(short).toMatchObject({
      rpcCode: RPCErrorCode.invalidParams,
      shortMessage: expect.stringContaining('argument 0'),
    })
  })
})

describe('uncles (a chain without uncles, as anvil answers)', () => {
  it('counts 0 for a known block, null for an unknown one; no uncle at any index', async () => {
    expect(await invoke(methods, 'eth_getUncleCountByBlockHash', [block.header.hash])).toBe('0x0')
    expect(await invoke(methods, 'eth_getUncleCountByBlockNumber', ['latest'])).toBe('0x0')
    expect(await invoke(methods, 'eth_getUncleCountByBlockNumber', ['0x99'])).toBeNull()
    expect(await invoke(methods, 'eth_getUncleByBlockHashAndIndex', [block.header.hash, '0x0'])).toBeNull()
    expect(await invoke(methods, 'eth_getUncleByBlockNumberAndIndex', ['latest', '0x0'])).toBeNull()
  })
})
