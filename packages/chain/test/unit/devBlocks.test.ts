import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Executor } from '@rollup-mesh/core'
// The real executor: chain's tests may use dual-vm (chain's src never imports it).
import {
  createParallelExecutor,
  createSerialExecutor,
  genesisWriteSet,
  simulateCall,
} from '@rollup-mesh/dual-vm'
import { type Address, type Hex, hexToBigInt, parseEther, recoverTransactionAddress, sliceHex } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import { BlockClock, BlockTimestampError } from '../../src/blockClock.js'
import { Chain } from '../../src/chain.js'
import type { GenesisSpec } from '../../src/genesis.js'
import { impersonatedTx } from '../../src/impersonatedTx.js'
import { shouldSealAt } from '../../src/producer.js'
import { createDevBlockMethods } from '../../src/rpc/devBlocks.js'
import { createEthMethods } from '../../src/rpc/eth.js'
import { createImpersonationMethods, Impersonation } from '../../src/rpc/impersonation.js'
import { createRPCServer, type RPCServer } from '../../src/rpc/server.js'
import { ChainStore } from '../../src/store.js'
import { CHAIN_ID, keys, signTx } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'chain-devblocks-'))
const cleanup: (() => unknown)[] = []
afterAll(async () => {
  for (const f of cleanup.reverse()) await f()
  rmSync(dir, { recursive: true, force: true })
})

const alice = keys[0]?.address.toLowerCase() as Address
/** A funded account whose key nobody here holds. */
const WHALE: Address = '0x00000000000000000000000000000000000baa1e'
const BOB: Address = '0x000000000000000000000000000000000000b0b0'
/** A funded contract account (a multisig-like whale): code `STOP`. */
const VAULT: Address = '0x000000000000000000000000000000000000fa17'
const GENESIS_TIME = 1_700_000_000n
/** Init code that returns (NUMBER, TIMESTAMP, BASEFEE) as three words: what a call sees of its block. */
const BLOCK_PROBE: Hex = '0x43600052426020524860405260606000f3'

function genesis(): GenesisSpec {
  const { writeSet, stateRoot } = genesisWriteSet({
    [alice]: { balance: parseEther('100') },
    [WHALE]: { balance: parseEther('50') },
    [VAULT]: { balance: parseEther('5'), code: '0x00' },
  })
  return { writeSet, stateRoot, timestamp: GENESIS_TIME }
}

async function openChain(path = ':memory:'): Promise<Chain> {
  const store = new ChainStore({ path })
  const chain = new Chain(
    { chainId: CHAIN_ID, blockGasLimit: 30_000_000n },
    { store, executor: createSerialExecutor(), simulateCall: (p) => simulateCall(p) },
  )
  await chain.open(genesis())
  return chain
}

async function serve(chain: Chain, dev = true): Promise<{ server: RPCServer; call: Call }> {
  const impersonation = new Impersonation()
  const server = createRPCServer({
    ...createEthMethods(chain, dev ? { impersonation } : {}),
    ...(dev ? createDevBlockMethods(chain) : {}),
    ...(dev ? createImpersonationMethods(impersonation) : {}),
  })
  await server.start()
  cleanup.push(() => server.stop())
  const call: Call = async (method, params = []) => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    })
    return (await res.json()) as { result?: unknown; error?: { code: number; message: string } }
  }
  return { server, call }
}
type Call = (
  method: string,
  params?: unknown[],
) => Promise<{ result?: unknown; error?: { code: number; message: string } }>

describe('BlockClock', () => {
  it('gives every block a timestamp after its parent, even within one wall-clock second', () => {
    const clock = new BlockClock()
    expect(clock.next({ parentTimestamp: 100n, nowS: 100n })).toBe(101n)
    expect(clock.next({ parentTimestamp: 100n, nowS: 99n })).toBe(101n)
    expect(clock.next({ parentTimestamp: 100n, nowS: 105n })).toBe(105n)
  })

  it('adds evm_increaseTime to the wall clock and answers the total offset', () => {
    const clock = new BlockClock()
    expect(clock.increaseTime(100n)).toBe(100n)
    expect(clock.increaseTime(16n)).toBe(116n)
    expect(clock.next({ parentTimestamp: 100n, nowS: 1_000n })).toBe(1_116n)
  })

  it('uses a fixed next timestamp once, then keeps running from it', () => {
    const clock = new BlockClock()
    clock.setNextTimestamp(5_000n, 100n)
    expect(clock.pinned).toBe(true)
    expect(clock.next({ parentTimestamp: 100n, nowS: 1_000n })).toBe(5_000n)
    clock.sealed(5_000n, 1_000n, true)
    expect(clock.pinned).toBe(false)
    expect(clock.offset).toBe(4_000n)
    expect(clock.next({ parentTimestamp: 5_000n, nowS: 1_010n })).toBe(5_010n)
  })

  it('refuses a fixed timestamp not after the parent, and changes nothing', () => {
    const clock = new BlockClock()
    expect(() => clock.setNextTimestamp(100n, 100n)).toThrow(BlockTimestampError)
    expect(() => clock.setNextTimestamp(99n, 100n)).toThrow(/not after the previous block's timestamp 100/)
    expect(clock.pinned).toBe(false)
    expect(clock.next({ parentTimestamp: 100n, nowS: 100n })).toBe(101n)
  })

  it('steps by a fixed interval until it is removed', () => {
    const clock = new BlockClock()
    expect(clock.setInterval(60n)).toBe(false)
    expect(clock.next({ parentTimestamp: 100n, nowS: 5_000n })).toBe(160n)
    expect(clock.setInterval(undefined)).toBe(true)
    expect(clock.setInterval(undefined)).toBe(false)
  })
})

describe('Chain: the timestamp rule and the next block context', () => {
  it('seals blocks in the same wall-clock second with strictly increasing timestamps', async () => {
    const chain = await openChain()
    cleanup.push(() => chain.store.close())
    const now = GENESIS_TIME + 10n
    const stamps: bigint[] = []
    for (let i = 0; i < 5; i++) stamps.push((await chain.produceBlock(now)).header.timestamp)
    expect(stamps).toEqual([now, now + 1n, now + 2n, now + 3n, now + 4n])
  })

  it('pendingContext is the next block: number, timestamp, base fee, coinbase, prevRandao', async () => {
    const chain = await openChain()
    cleanup.push(() => chain.store.close())
    const now = GENESIS_TIME + 10n
    await chain.produceBlock(now)
    const head = chain.head()
    const pending = chain.pendingContext(now)
    expect(pending.number).toBe(head.number + 1n)
    expect(pending.timestamp).toBe(now + 1n)
    expect(pending.baseFeePerGas).toBe(chain.nextBaseFee())
    expect(pending.coinbase).toBe(head.coinbase)
    // what the block then sealed at that second really gets
    const next = await chain.produceBlock(now)
    expect(next.header.number).toBe(pending.number)
    expect(next.header.timestamp).toBe(pending.timestamp)
    expect(next.header.baseFeePerGas).toBe(pending.baseFeePerGas)
    expect(chain.callContext().prevRandao).toBe(pending.prevRandao)
  })

  it('eth_call and eth_estimateGas with no block run in the next block; "latest" in the head', async () => {
    const chain = await openChain()
    const { call } = await serve(chain)
    cleanup.push(() => chain.store.close())
    await chain.mineBlock()
    const head = chain.head()
    const words = (r: unknown) => [0, 1, 2].map((i) => hexToBigInt(sliceHex(r as Hex, i * 32, i * 32 + 32)))
    const [n, ts, fee] = words((await call('eth_call', [{ data: BLOCK_PROBE }])).result)
    expect(n).toBe(head.number + 1n)
    expect(ts).toBeGreaterThan(head.timestamp)
    expect(fee).toBe(chain.nextBaseFee())
    expect(words((await call('eth_call', [{ data: BLOCK_PROBE }, 'pending'])).result)[0]).toBe(
      head.number + 1n,
    )
    const [ln, lts] = words((await call('eth_call', [{ data: BLOCK_PROBE }, 'latest'])).result)
    expect([ln, lts]).toEqual([head.number, head.timestamp])
    expect((await call('eth_estimateGas', [{ data: BLOCK_PROBE }])).result).toMatch(/^0x[0-9a-f]+$/)
  })
})

describe('the producer: no empty block borrows a second', () => {
  it('seals when the clock has moved on; ahead of it only for waiting transactions, within the lead', async () => {
    const chain = await openChain()
    cleanup.push(() => chain.store.close())
    const now = GENESIS_TIME + 100n
    await chain.produceBlock(now) // head at `now`
    expect(shouldSealAt(chain, now + 1n, 2n)).toBe(true)
    expect(shouldSealAt(chain, now, 2n)).toBe(false) // empty pool, same second
    await chain.mempool.add(await signTx(0, { nonce: 0 }))
    expect(shouldSealAt(chain, now, 2n)).toBe(true) // a waiting tx takes the next second
    await chain.produceBlock(now) // head at now + 1
    await chain.mempool.add(await signTx(0, { nonce: 1 }))
    expect(shouldSealAt(chain, now, 1n)).toBe(false) // the next block would lead by 2 s > 1
    expect(shouldSealAt(chain, now, 2n)).toBe(true)
    chain.clock.setInterval(60n) // a dev method pins the clock: it does not wait for the wall clock
    expect(shouldSealAt(chain, now, 0n)).toBe(true)
  })

  it('after blocks mined ahead of the wall clock, the clock follows them and the producer does not stall', async () => {
    const chain = await openChain()
    cleanup.push(() => chain.store.close())
    const { call } = await serve(chain)
    await call('anvil_mine', [50]) // 50 blocks, one second apart, ahead of the wall clock
    const head = chain.head()
    const nowS = BigInt(Math.floor(Date.now() / 1000))
    expect(head.timestamp).toBeGreaterThan(nowS + 40n)
    expect(chain.clock.now(nowS)).toBeGreaterThanOrEqual(head.timestamp)
    await chain.mempool.add(await signTx(0, { nonce: 0 }))
    expect(shouldSealAt(chain, nowS, 2n)).toBe(true)
    expect(chain.pendingContext(nowS).timestamp).toBeLessThanOrEqual(head.timestamp + 2n)
  })
})

describe('mining and time dev methods', () => {
  it('evm_mine, anvil_mine/hardhat_mine with an interval, evm_increaseTime, setNextBlockTimestamp', async () => {
    const chain = await openChain()
    const { call } = await serve(chain)
    cleanup.push(() => chain.store.close())
    expect(await call('evm_mine', [])).toMatchObject({ result: '0x0' })
    expect(chain.head().number).toBe(1n)
    expect(await call('anvil_mine', ['0x3', '0x3c'])).toMatchObject({ result: null })
    const b2 = chain.store.getHeaderByNumber(2n)
    const b4 = chain.head()
    expect(b4.number).toBe(4n)
    expect(b4.timestamp - (b2?.timestamp ?? 0n)).toBe(120n)
    expect(await call('hardhat_mine', [2])).toMatchObject({ result: null })
    expect(chain.head().number).toBe(6n)
    // interval 0 (viem's hardhat default) still gives strictly increasing timestamps
    await call('hardhat_mine', ['0x2', '0x0'])
    expect(chain.head().timestamp).toBeGreaterThan(chain.store.getHeaderByNumber(7n)?.timestamp ?? 0n)
    // mining ahead of the wall clock moved the offset (as anvil's does); the answer is the total
    const before = Number(chain.clock.offset)
    expect(await call('evm_increaseTime', [100])).toMatchObject({ result: before + 100 })
    expect(await call('evm_increaseTime', ['0x10'])).toMatchObject({ result: before + 116 })
    const target = chain.head().timestamp + 10_000n
    expect(await call('evm_setNextBlockTimestamp', [Number(target)])).toMatchObject({ result: null })
    await call('evm_mine', [])
    expect(chain.head().timestamp).toBe(target)
    await call('evm_mine', [{ timestamp: Number(target + 50n), blocks: 2 }])
    expect(chain.head().number).toBe(11n)
    expect(chain.store.getHeaderByNumber(10n)?.timestamp).toBe(target + 50n)
    expect(chain.head().timestamp).toBeGreaterThan(target + 50n)
    expect(await call('evm_mine', [Number(target + 1_000n)])).toMatchObject({ result: '0x0' })
    expect(chain.head().timestamp).toBe(target + 1_000n)
    expect(await call('anvil_setBlockTimestampInterval', [5])).toMatchObject({ result: null })
    await call('anvil_mine', ['0x2'])
    expect(chain.head().timestamp).toBe(target + 1_010n)
    expect(await call('anvil_removeBlockTimestampInterval', [])).toMatchObject({ result: true })
    expect(await call('anvil_removeBlockTimestampInterval', [])).toMatchObject({ result: false })
  })

  it('refuses a timestamp not after the head, a zero interval and bad counts, changing nothing', async () => {
    const chain = await openChain()
    const { call } = await serve(chain)
    cleanup.push(() => chain.store.close())
    await call('evm_mine', [])
    const head = chain.head()
    for (const [method, params] of [
      ['evm_setNextBlockTimestamp', [Number(head.timestamp)]],
      ['anvil_setNextBlockTimestamp', [1]],
      ['evm_mine', [1]],
    ] as const) {
      const r = await call(method, [...params])
      expect(r.error?.code).toBe(-32602)
      expect(r.error?.message).toMatch(/Timestamp error: \d+ is not after the previous block's timestamp/)
    }
    expect((await call('anvil_setBlockTimestampInterval', [0])).error?.message).toMatch(/at least 1 second/)
    expect((await call('anvil_mine', ['ten'])).error?.message).toMatch(/the number of blocks/)
    expect((await call('anvil_mine', [1_000_000])).error?.message).toMatch(/at most 100000 blocks/)
    expect((await call('evm_increaseTime', [-5])).error?.code).toBe(-32602)
    expect(chain.head().hash).toBe(head.hash)
    expect(chain.clock.pinned).toBe(false)
  })

  it('mining waits for a block in progress instead of returning it', async () => {
    const chain = await openChain()
    cleanup.push(() => chain.store.close())
    const producing = chain.produceBlock()
    const mined = chain.mineBlock()
    const [a, b] = await Promise.all([producing, mined])
    expect(b.header.number).toBe(a.header.number + 1n)
    expect(b.header.timestamp).toBeGreaterThan(a.header.timestamp)
  })

  it('do not exist without the dev flag (method not found)', async () => {
    const chain = await openChain()
    const { call } = await serve(chain, false)
    cleanup.push(() => chain.store.close())
    for (const m of ['evm_mine', 'anvil_mine', 'evm_increaseTime', 'anvil_impersonateAccount'])
      expect((await call(m, [])).error?.code).toBe(-32601)
  })
})

describe('impersonation', () => {
  const send = (call: Call) =>
    call('eth_sendTransaction', [{ from: WHALE, to: BOB, value: '0x2a', gas: '0x5208' }])

  it('accepts an unsigned eth_sendTransaction from an impersonated address and mines it with that sender', async () => {
    const chain = await openChain()
    const { call } = await serve(chain)
    cleanup.push(() => chain.store.close())
    const refused = await send(call)
    expect(refused.error?.message).toMatch(/unknown account 0x0+baa1e/)
    expect(await call('anvil_impersonateAccount', [WHALE])).toMatchObject({ result: null })
    const { result: hash } = await send(call)
    expect(hash).toMatch(/^0x[0-9a-f]{64}$/)
    await chain.mineBlock()
    const receipt = (await call('eth_getTransactionReceipt', [hash])).result as Record<string, unknown>
    expect(receipt).toMatchObject({ status: '0x1', from: WHALE, to: BOB })
    const tx = (await call('eth_getTransactionByHash', [hash])).result as Record<string, unknown>
    expect(tx).toMatchObject({ from: WHALE, nonce: '0x0', value: '0x2a' })
    const whale = chain.state.getAccount(WHALE)
    expect(whale?.nonce).toBe(1n)
    // fees charged like any transaction: 42 wei + 21,000 gas at the effective price
    expect(parseEther('50') - (whale?.balance ?? 0n)).toBeGreaterThan(42n + 21_000n)
    expect(chain.state.getAccount(BOB)?.balance).toBe(42n)
    // the placeholder signature recovers no key of the whale
    const raw = chain.store.getTx(hash as Hex)?.raw as Hex
    const recovered = await recoverTransactionAddress({ serializedTransaction: raw as never }).catch(
      () => 'no key',
    )
    expect(recovered.toLowerCase()).not.toBe(WHALE)
    expect(await call('hardhat_stopImpersonatingAccount', [WHALE])).toMatchObject({ result: null })
    expect((await send(call)).error?.message).toMatch(/unknown account/)
    expect(await call('anvil_autoImpersonateAccount', [true])).toMatchObject({ result: null })
    expect((await send(call)).result).toMatch(/^0x[0-9a-f]{64}$/)
    expect((await call('anvil_autoImpersonateAccount', ['yes'])).error?.code).toBe(-32602)
  })

  it('an impersonated contract account may send (no EIP-3607 for it, as on anvil)', async () => {
    const chain = await openChain()
    const { call } = await serve(chain)
    cleanup.push(() => chain.store.close())
    await call('anvil_impersonateAccount', [VAULT])
    const { result: hash, error } = await call('eth_sendTransaction', [
      { from: VAULT, to: BOB, value: '0x7', gas: '0x5208' },
    ])
    expect(error).toBeUndefined()
    expect(chain.mempool.get(hash as Hex)?.impersonated).toBe(true)
    const block = await chain.mineBlock()
    expect(block.receipts.map((r) => r.status)).toEqual([1])
    expect(chain.state.getAccount(VAULT)?.nonce).toBe(2n) // genesis gives a contract nonce 1
    expect(chain.state.getAccount(BOB)?.balance).toBe(7n)
    // the same transaction without the flag (a signed one from a contract) is skipped by EIP-3607
    const unflagged = impersonatedTx(
      {
        type: 'eip1559',
        chainId: Number(CHAIN_ID),
        nonce: 2,
        to: BOB,
        value: 1n,
        gas: 21_000n,
        maxFeePerGas: 10_000_000_000n,
        maxPriorityFeePerGas: 1n,
      },
      VAULT,
      CHAIN_ID,
    )
    unflagged.impersonated = false
    chain.mempool.insert(unflagged)
    const skipped = await chain.mineBlock()
    expect(skipped.txs).toHaveLength(0)
    expect(skipped.skipped).toBe(1)
  })

  it('two impersonated senders with the same fields get different hashes', async () => {
    const chain = await openChain()
    const { call } = await serve(chain)
    cleanup.push(() => chain.store.close())
    await call('anvil_autoImpersonateAccount', [true])
    const a = await call('eth_sendTransaction', [{ from: WHALE, to: BOB, value: '0x1', gas: '0x5208' }])
    const b = await call('eth_sendTransaction', [{ from: alice, to: BOB, value: '0x1', gas: '0x5208' }])
    expect(a.result).not.toBe(b.result)
  })

  it('an impersonated transaction in the persisted pool survives a restart with its sender', async () => {
    const path = join(dir, 'restart.db')
    const chain = await openChain(path)
    const { call } = await serve(chain)
    await call('anvil_impersonateAccount', [WHALE])
    const { result: hash } = await send(call)
    chain.mempool.flushNow()
    chain.store.close()
    const reopened = await openChain(path)
    cleanup.push(() => reopened.store.close())
    expect(reopened.mempool.get(hash as Hex)).toMatchObject({ from: WHALE, impersonated: true })
    const block = await reopened.mineBlock()
    expect(block.txs.map((t) => t.hash)).toEqual([hash])
    expect(block.receipts[0]?.status).toBe(1)
    expect(reopened.state.getAccount(BOB)?.balance).toBe(42n)
  })

  it('the parallel executor runs impersonated transactions like the serial one (same root, receipts)', async () => {
    // 24 impersonated senders (more than the parallel executor's minimum for a parallel block)
    const senders = Array.from(
      { length: 24 },
      (_, i) => `0x${(0x1a00 + i).toString(16).padStart(40, '0')}` as Address,
    )
    const alloc = Object.fromEntries(senders.map((a) => [a, { balance: parseEther('1') }]))
    const { writeSet, stateRoot } = genesisWriteSet(alloc)
    const roots: Hex[] = []
    const statuses: number[][] = []
    const modes: (string | undefined)[] = []
    const executors: (Executor & { start?: () => Promise<void>; close?: () => Promise<void> })[] = [
      createSerialExecutor(),
      createParallelExecutor({ workers: 2, warmupTxs: 0, minParallelTxs: 2 }),
    ]
    for (const executor of executors) {
      const chain = new Chain(
        { chainId: CHAIN_ID, blockGasLimit: 30_000_000n },
        { store: new ChainStore({ path: ':memory:' }), executor },
      )
      await chain.open({ writeSet, stateRoot, timestamp: GENESIS_TIME })
      await executor.start?.()
      for (const [i, from] of senders.entries())
        chain.mempool.insert(
          impersonatedTx(
            {
              type: 'eip1559',
              chainId: Number(CHAIN_ID),
              nonce: 0,
              to: senders[(i + 1) % senders.length],
              value: 1_000n + BigInt(i),
              gas: 21_000n,
              maxFeePerGas: 10_000_000_000n,
              maxPriorityFeePerGas: 1n,
            },
            from,
            CHAIN_ID,
          ),
        )
      const block = await chain.mineBlock({ timestamp: GENESIS_TIME + 1n })
      roots.push(block.header.stateRoot)
      statuses.push(block.receipts.map((r) => r.status))
      modes.push((executor.stats as { mode?: string } | undefined)?.mode)
      expect(block.txs.map((t) => t.from).sort()).toEqual([...senders].sort())
      await executor.close?.()
      chain.store.close()
    }
    expect(statuses[0]).toEqual(Array(24).fill(1))
    expect(statuses[1]).toEqual(statuses[0])
    expect(roots[1]).toBe(roots[0])
    expect(modes[1]).toBe('parallel')
  })
})
