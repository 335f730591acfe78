import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InvalidParameterError } from '@rollup-mesh/core'
// The real executor: chain's tests may use dual-vm (chain's src never imports it).
import { createSerialExecutor, genesisWriteSet, simulateCall } from '@rollup-mesh/dual-vm'
import { type Address, createPublicClient, type Hex, http, keccak256, parseEther, toHex } from 'viem'
import { chainConfig, parseTransaction as parseOpStackTransaction } from 'viem/op-stack'
import { afterAll, describe, expect, it } from 'vitest'
import { Chain } from '../../src/chain.js'
import { TxRejectedError } from '../../src/errors.js'
import type { GenesisSpec } from '../../src/genesis.js'
import { createEthMethods } from '../../src/rpc/eth.js'
import { createRPCServer, type RPCServer } from '../../src/rpc/server.js'
import { ChainStore } from '../../src/store.js'
import { depositTx, parseSignedTx, signedTxWithSender } from '../../src/tx.js'
import { CHAIN_ID, keys, signTx } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'chain-deposit-'))
const cleanup: (() => unknown)[] = []
afterAll(async () => {
  for (const f of cleanup.reverse()) await f()
  rmSync(dir, { recursive: true, force: true })
})

const alice = keys[0]?.address.toLowerCase() as Address
const bob = keys[1]?.address.toLowerCase() as Address
/** Where delivered messages come from (an account that never signs). */
const DEPOSITOR: Address = '0x00000000000000000000000000000000000d0001'

function genesis(): GenesisSpec {
  const { writeSet, stateRoot } = genesisWriteSet({ [alice]: { balance: parseEther('100') } })
  return { writeSet, stateRoot, timestamp: 1_700_000_000n }
}

async function openChain(path: string, blockGasLimit = 30_000_000n): Promise<Chain> {
  const store = new ChainStore({ path })
  const chain = new Chain(
    { chainId: CHAIN_ID, blockGasLimit },
    { store, executor: createSerialExecutor(), simulateCall: (p) => simulateCall(p) },
  )
  await chain.open(genesis())
  return chain
}

let sources = 0
function deposit(
  fields: { to?: Address | null; mint?: bigint; value?: bigint; gas?: bigint; data?: Hex } = {},
) {
  return depositTx({
    sourceHash: keccak256(toHex(`message-${++sources}`)),
    from: DEPOSITOR,
    to: fields.to === undefined ? bob : fields.to,
    mint: fields.mint ?? 1_000n,
    value: fields.value ?? 400n,
    gas: fields.gas ?? 50_000n,
    data: fields.data ?? '0x',
    chainId: CHAIN_ID,
  })
}

async function serve(chain: Chain): Promise<RPCServer> {
  const server = createRPCServer(createEthMethods(chain))
  await server.start()
  cleanup.push(() => server.stop())
  return server
}

describe('depositTx', () => {
  it("encodes with viem's OP Stack serializer: 0x7e, hash = keccak256(raw), no signature, no fee", () => {
    const tx = deposit({ mint: 5n, value: 3n, data: '0xabcd' })
    expect(tx.raw.startsWith('0x7e')).toBe(true)
    expect(tx.hash).toBe(keccak256(tx.raw))
    expect(tx).toMatchObject({
      type: 'deposit',
      from: DEPOSITOR,
      to: bob,
      mint: 5n,
      value: 3n,
      gas: 50_000n,
      data: '0xabcd',
      chainId: CHAIN_ID,
      feeCap: 0n,
      tipCap: 0n,
      v: 0n,
      size: (tx.raw.length - 2) / 2,
    })
    expect(parseOpStackTransaction(tx.raw as `0x7e${string}`)).toMatchObject({
      type: 'deposit',
      sourceHash: tx.sourceHash,
      from: DEPOSITOR,
      to: bob,
      mint: 5n,
      value: 3n,
      gas: 50_000n,
      data: '0xabcd',
    })
    // Read back from storage: the same transaction.
    expect(signedTxWithSender(tx.raw, CHAIN_ID, DEPOSITOR)).toEqual(tx)
  })

  it('refuses bad fields, naming them', () => {
    const base = { sourceHash: keccak256('0x01'), from: DEPOSITOR, to: bob, gas: 21_000n, chainId: CHAIN_ID }
    expect(() => depositTx({ ...base, sourceHash: '0x1234' })).toThrow(InvalidParameterError)
    expect(() => depositTx({ ...base, sourceHash: '0x1234' })).toThrow(/"sourceHash"/)
    expect(() => depositTx({ ...base, from: '0x12' as Address })).toThrow(/"from"/)
    expect(() => depositTx({ ...base, mint: -1n })).toThrow(/"mint"/)
  })

  it('is never accepted from users: parseSignedTx and eth_sendRawTransaction name the type', async () => {
    const tx = deposit()
    expect(() => parseSignedTx(tx.raw, CHAIN_ID)).toThrow(TxRejectedError)
    expect(() => parseSignedTx(tx.raw, CHAIN_ID)).toThrow('transaction type not supported: 0x7e')
    const chain = await openChain(':memory:')
    cleanup.push(() => chain.store.close())
    const server = await serve(chain)
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [tx.raw] }),
    })
    const body = (await res.json()) as { error?: { code: number; message: string } }
    expect(body.error?.message).toBe('transaction type not supported: 0x7e')
    expect(chain.mempool.get(tx.hash)).toBeUndefined()
  })
})

describe('Chain.setBlockStartHook', () => {
  it('places the hook txs first, before mempool txs, and keeps them out of the mempool', async () => {
    const chain = await openChain(':memory:')
    cleanup.push(() => chain.store.close())
    await chain.mempool.add(await signTx(0, { nonce: 0, to: bob, value: 7n }))
    const d1 = deposit({ mint: 1_000n, value: 400n })
    const d2 = deposit({ mint: 0n, value: 600n })
    const calls: { number: bigint; timestamp: bigint }[] = []
    chain.setBlockStartHook(async (ctx) => {
      calls.push(ctx)
      return [d1, d2]
    })
    const block = await chain.produceBlock(1_700_000_010n)
    expect(calls).toEqual([{ number: 1n, timestamp: 1_700_000_010n }])
    expect(block.txs.map((t) => t.type)).toEqual(['deposit', 'deposit', 'eip1559'])
    expect(block.txs.slice(0, 2).map((t) => t.hash)).toEqual([d1.hash, d2.hash])
    expect(block.receipts.map((r) => r.status)).toEqual([1, 1, 1])
    expect(block.receipts.map((r) => r.depositNonce)).toEqual([0n, 1n, undefined])
    expect(block.txs.map((t) => t.nonce)).toEqual([0n, 1n, 0n])
    expect(block.header.gasUsed).toBe(3n * 21_000n)
    expect(chain.state.getAccount(DEPOSITOR)).toMatchObject({ nonce: 2n, balance: 0n })
    expect(chain.state.getAccount(bob)?.balance).toBe(1_007n)
    // The mempool held only alice's transaction, and it is gone now; deposits never entered it.
    expect(chain.mempool.stats()).toEqual({ pending: 0, queued: 0 })
    expect(chain.mempool.get(d1.hash)).toBeUndefined()

    // The same deposits again (a redelivery): dropped, the block is sealed without them.
    const again = await chain.produceBlock(1_700_000_011n)
    expect(again.txs).toEqual([])
    expect(again.header.number).toBe(2n)

    // A failing hook never stops block production.
    chain.setBlockStartHook(() => {
      throw new Error('relay down')
    })
    await chain.mempool.add(await signTx(0, { nonce: 1, to: bob }))
    const third = await chain.produceBlock(1_700_000_012n)
    expect(third.txs.map((t) => t.type)).toEqual(['eip1559'])

    // A deposit below intrinsic gas is skipped and reported; the block goes on.
    const low = deposit({ gas: 20_000n })
    chain.setBlockStartHook(() => [low])
    const fourth = await chain.produceBlock(1_700_000_013n)
    expect(fourth.txs).toEqual([])
    expect(fourth.skippedDeposits).toEqual([{ hash: low.hash, reason: expect.stringContaining('intrinsic') }])
    chain.setBlockStartHook(undefined)
  })

  it("takes the hook txs' gas from the mempool's budget", async () => {
    const chain = await openChain(':memory:', 100_000n)
    cleanup.push(() => chain.store.close())
    await chain.mempool.add(await signTx(0, { nonce: 0, to: bob }))
    await chain.mempool.add(await signTx(0, { nonce: 1, to: bob }))
    chain.setBlockStartHook(() => [deposit({ gas: 60_000n })])
    const block = await chain.produceBlock(1_700_000_010n)
    // 100k - 60k leaves room for one 21k transaction.
    expect(block.txs.map((t) => t.type)).toEqual(['deposit', 'eip1559'])
    chain.setBlockStartHook(undefined)
    const next = await chain.produceBlock(1_700_000_011n)
    expect(next.txs.map((t) => t.nonce)).toEqual([1n])
  })

  it('stores deposits and reads them back, over viem, after the chain is reopened from its db', async () => {
    const path = join(dir, 'chain.db')
    const chain = await openChain(path)
    await chain.mempool.add(await signTx(0, { nonce: 0, to: bob, value: 1n }))
    const d1 = deposit({ mint: parseEther('1'), value: parseEther('0.25') })
    const d2 = deposit({ to: null, mint: 0n, value: 0n, gas: 100_000n, data: '0x00' })
    chain.setBlockStartHook(() => [d1, d2])
    const sealed = await chain.produceBlock(1_700_000_010n)
    expect(sealed.txs).toHaveLength(3)
    chain.store.close()

    const reopened = await openChain(path)
    cleanup.push(() => reopened.store.close())
    expect(reopened.head().number).toBe(1n)
    const stored = reopened.store.getBlockTxs(1n)
    expect(stored.map((t) => t.hash)).toEqual(sealed.txs.map((t) => t.hash))
    expect(stored.map((t) => t.depositNonce)).toEqual([0n, 1n, undefined])
    const back = signedTxWithSender(stored[0]?.raw as Hex, CHAIN_ID, stored[0]?.from as Address)
    expect(back).toEqual(d1)
    expect(reopened.store.getReceipt(d2.hash)?.receipt).toMatchObject({
      depositNonce: 1n,
      effectiveGasPrice: 0n,
    })

    const server = await serve(reopened)
    const client = createPublicClient({ transport: http(server.url) })
    // Plain viem (no OP Stack formatters) does not throw on them.
    const tx = await client.getTransaction({ hash: d1.hash })
    expect(tx).toMatchObject({
      hash: d1.hash,
      typeHex: '0x7e',
      from: DEPOSITOR,
      to: bob,
      value: parseEther('0.25'),
      gas: 50_000n,
      blockNumber: 1n,
      transactionIndex: 0,
    })
    const receipt = await client.getTransactionReceipt({ hash: d1.hash })
    expect(receipt).toMatchObject({
      status: 'success',
      type: '0x7e',
      effectiveGasPrice: 0n,
      gasUsed: 21_000n,
    })
    const creation = await client.getTransactionReceipt({ hash: d2.hash })
    expect(creation.contractAddress).not.toBeNull()
    const block = await client.getBlock({ blockNumber: 1n, includeTransactions: true })
    expect(block.transactions.map((t) => t.hash)).toEqual(sealed.txs.map((t) => t.hash))

    // The wire shape is op-geth's.
    const raw = (await client.request({
      method: 'eth_getTransactionByHash',
      params: [d2.hash],
    })) as Record<string, unknown>
    expect(raw).toMatchObject({
      type: '0x7e',
      sourceHash: d2.sourceHash,
      mint: '0x0',
      isSystemTx: false,
      nonce: '0x1',
      gasPrice: '0x0',
      to: null,
      v: '0x0',
      r: '0x0',
      s: '0x0',
    })
    const rawReceipt = (await client.request({
      method: 'eth_getTransactionReceipt',
      params: [d1.hash],
    })) as Record<string, unknown>
    expect(rawReceipt).toMatchObject({ effectiveGasPrice: '0x0', depositNonce: '0x0', type: '0x7e' })

    // A client with viem's OP Stack formatters sees a typed deposit.
    const op = createPublicClient({
      chain: {
        ...chainConfig,
        id: Number(CHAIN_ID),
        name: 'test',
        nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
        rpcUrls: { default: { http: [server.url] } },
      },
      transport: http(server.url),
    })
    const typed = await op.getTransaction({ hash: d1.hash })
    expect(typed).toMatchObject({
      type: 'deposit',
      mint: parseEther('1'),
      sourceHash: d1.sourceHash,
      isSystemTx: false,
    })
  })
})
