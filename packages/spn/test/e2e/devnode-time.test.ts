import type { ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { devAccounts } from '@rollup-mesh/core'
import { JsonRpcProvider, JsonRpcSigner } from 'ethers'
import {
  type Address,
  createPublicClient,
  createTestClient,
  defineChain,
  type Hex,
  http,
  parseEther,
} from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SPNNode } from '../../src/index.js'
import { call, createManualSPNNode, rpc, startAnvil, tempDir } from './helpers.js'

// The mining, time and impersonation dev methods of a running SPN, sent the same way to anvil: raw
// JSON-RPC, viem's test client (anvil and hardhat modes) and ethers. The SPN seals blocks only when told
// (a manual producer), so block numbers compare exactly.
const CHAIN_ID = 31_342
const WHALE: Address = '0x00000000000000000000000000000000000baa1e'
const BOB: Address = '0x000000000000000000000000000000000000b0b0'
const alice = devAccounts(1)[0]!.address

let dir: string
let node: SPNNode
let prod: SPNNode
let anvil: { proc: ChildProcess; url: string } | undefined

beforeAll(async () => {
  dir = tempDir('spn-devnode-time-')
  node = createManualSPNNode({ chainId: CHAIN_ID, dataDir: join(dir, 'dev') })
  prod = createManualSPNNode({ chainId: CHAIN_ID, dataDir: join(dir, 'prod'), dev: false })
  const [a] = await Promise.all([startAnvil(CHAIN_ID), node.start(), prod.start()])
  anvil = a
  // The impersonated whale holds ether on both chains (ours: sent from a dev account and mined).
  const wei = `0x${parseEther('10').toString(16)}`
  await send(node.rpcUrl, 'eth_sendTransaction', [{ from: alice, to: WHALE, value: wei }])
  await send(node.rpcUrl, 'evm_mine', [])
  if (anvil) await send(anvil.url, 'anvil_setBalance', [WHALE, wei])
}, 60_000)

afterAll(async () => {
  await node?.stop()
  await prod?.stop()
  if (anvil?.proc.pid) {
    const exited = new Promise((r) => anvil?.proc.once('exit', r))
    process.kill(anvil.proc.pid, 'SIGKILL')
    await exited
  }
  rmSync(dir, { recursive: true, force: true })
})

const anvilUrl = (): string => {
  expect(anvil, 'anvil (node_modules/@foundry-rs/anvil) started').toBeDefined()
  return (anvil as { url: string }).url
}

// biome-ignore lint/suspicious/noExplicitAny: JSON-RPC replies are indexed freely
const send = async (url: string, method: string, params: unknown[] = []): Promise<any> =>
  (await rpc(url, call(method, params))).json

const head = async (url: string): Promise<{ number: bigint; timestamp: bigint }> => {
  const b = (await send(url, 'eth_getBlockByNumber', ['latest', false])).result
  return { number: BigInt(b.number), timestamp: BigInt(b.timestamp) }
}

/** Runs the same requests against a node; returns what must agree between anvil and us. */
async function mining(url: string) {
  const out: Record<string, unknown> = {}
  const start = await head(url)
  out.evm_mine = (await send(url, 'evm_mine', [])).result
  out.anvil_mine = (await send(url, 'anvil_mine', ['0x3', '0x3c'])).result
  const afterMine = await head(url)
  out.minedBlocks = afterMine.number - start.number
  const first = (
    await send(url, 'eth_getBlockByNumber', [`0x${(afterMine.number - 2n).toString(16)}`, false])
  ).result
  out.intervalSpan = afterMine.timestamp - BigInt(first.timestamp)
  out.hardhat_mine = (await send(url, 'hardhat_mine', ['0x2'])).result
  out.increaseType = typeof (await send(url, 'evm_increaseTime', [0])).result
  const target = afterMine.timestamp + 100_000n
  out.setNext = (await send(url, 'evm_setNextBlockTimestamp', [Number(target)])).result
  await send(url, 'evm_mine', [])
  out.tsAfterSetNext = (await head(url)).timestamp - target
  out.anvilSetNext = (await send(url, 'anvil_setNextBlockTimestamp', [Number(target + 500n)])).result
  await send(url, 'evm_mine', [])
  out.tsAfterAnvilSetNext = (await head(url)).timestamp - target
  out.evmMineAt = (await send(url, 'evm_mine', [Number(target + 1_000n)])).result
  out.tsAfterEvmMineAt = (await head(url)).timestamp - target
  out.setInterval = (await send(url, 'anvil_setBlockTimestampInterval', [7])).result
  await send(url, 'evm_mine', [])
  await send(url, 'evm_mine', [])
  out.tsAfterInterval = (await head(url)).timestamp - target
  out.removeInterval = (await send(url, 'anvil_removeBlockTimestampInterval', [])).result
  out.removeAgain = (await send(url, 'anvil_removeBlockTimestampInterval', [])).result
  const past = await send(url, 'evm_setNextBlockTimestamp', [1])
  out.pastError = past.error?.code
  out.pastMessage = /^Timestamp error: 1 is lower/.test(past.error?.message ?? '') || past.error?.message
  return out
}

describe('mining and time dev methods: the SPN answers like anvil (raw JSON-RPC)', () => {
  it('evm_mine, anvil_mine/hardhat_mine, evm_increaseTime, set-next-timestamp and intervals', async () => {
    const ours = await mining(node.rpcUrl)
    const theirs = await mining(anvilUrl())
    // anvil says "is lower than previous block's timestamp"; ours "is not after" (equal is refused too)
    expect(ours.pastMessage).toMatch(/^Timestamp error: 1 is not after the previous block's timestamp/)
    theirs.pastMessage = ours.pastMessage
    expect(ours).toEqual(theirs)
    expect(ours).toMatchObject({ evm_mine: '0x0', anvil_mine: null, minedBlocks: 4n, intervalSpan: 120n })
  })

  it('evm_increaseTime answers the total offset, as anvil does', async () => {
    for (const url of [node.rpcUrl, anvilUrl()]) {
      const before = (await send(url, 'evm_increaseTime', [0])).result as number
      expect((await send(url, 'evm_increaseTime', [3600])).result).toBe(before + 3600)
      expect((await send(url, 'evm_increaseTime', ['0xe10'])).result).toBe(before + 7200)
      const h = await head(url)
      await send(url, 'evm_mine', [])
      expect((await head(url)).timestamp).toBeGreaterThanOrEqual(h.timestamp + 1n)
    }
  })
})

describe('through viem and ethers', () => {
  const viemChain = (url: string) =>
    defineChain({
      id: CHAIN_ID,
      name: 'devnode',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [url] } },
    })

  it("viem's test client (anvil and hardhat modes): mine, time, impersonate, sendUnsignedTransaction", async () => {
    for (const url of [node.rpcUrl, anvilUrl()]) {
      const chain = viemChain(url)
      const pub = createPublicClient({ chain, transport: http(url), pollingInterval: 50, cacheTime: 0 })
      const test = createTestClient({ chain, mode: 'anvil', transport: http(url) })
      const hardhat = createTestClient({ chain, mode: 'hardhat', transport: http(url) })
      const n0 = await pub.getBlockNumber()
      await test.mine({ blocks: 2, interval: 30 })
      await hardhat.mine({ blocks: 1 })
      expect(await pub.getBlockNumber()).toBe(n0 + 3n)
      await test.increaseTime({ seconds: 60 })
      const latest = await pub.getBlock()
      await test.setNextBlockTimestamp({ timestamp: latest.timestamp + 1_000n })
      await test.mine({ blocks: 1 })
      expect((await pub.getBlock()).timestamp).toBe(latest.timestamp + 1_000n)
      await test.setBlockTimestampInterval({ interval: 3 })
      await test.mine({ blocks: 1 })
      expect((await pub.getBlock()).timestamp).toBe(latest.timestamp + 1_003n)
      await test.removeBlockTimestampInterval()

      await test.impersonateAccount({ address: WHALE })
      const bobBefore = await pub.getBalance({ address: BOB })
      const hash = await test.sendUnsignedTransaction({ from: WHALE, to: BOB, value: 42n })
      if (url === node.rpcUrl) await test.mine({ blocks: 1 })
      const receipt = await pub.waitForTransactionReceipt({ hash, timeout: 10_000 })
      expect(receipt).toMatchObject({ status: 'success', from: WHALE, to: BOB })
      expect(await pub.getBalance({ address: BOB })).toBe(bobBefore + 42n)
      expect((await pub.getTransaction({ hash })).from).toBe(WHALE)
      await test.stopImpersonatingAccount({ address: WHALE })
      // stopped: eth_sendTransaction refuses it again (anvil's eth_sendUnsignedTransaction needs no impersonation)
      const refused = await send(url, 'eth_sendTransaction', [{ from: WHALE, to: BOB, value: '0x1' }])
      expect(refused.error?.message).toBeDefined()
      await hardhat.impersonateAccount({ address: WHALE })
      const again = await hardhat.sendUnsignedTransaction({ from: WHALE, to: BOB, value: 1n })
      if (url === node.rpcUrl) await hardhat.mine({ blocks: 1 })
      expect((await pub.waitForTransactionReceipt({ hash: again, timeout: 10_000 })).status).toBe('success')
      await hardhat.stopImpersonatingAccount({ address: WHALE })
    }
  })

  it("ethers: provider.send for the dev methods and an impersonated account's JsonRpcSigner", async () => {
    for (const url of [node.rpcUrl, anvilUrl()]) {
      const provider = new JsonRpcProvider(url, CHAIN_ID, {
        staticNetwork: true,
        polling: true,
        cacheTimeout: -1,
      })
      provider.pollingInterval = 50
      const n0 = await provider.getBlockNumber()
      expect(await provider.send('evm_mine', [])).toBe('0x0')
      expect(await provider.send('anvil_mine', [2])).toBeNull()
      expect(await provider.getBlockNumber()).toBe(n0 + 3)
      expect(await provider.send('anvil_impersonateAccount', [WHALE])).toBeNull()
      // an impersonated account is not in eth_accounts: a JsonRpcSigner for it directly (as hardhat-ethers does)
      const signer = new JsonRpcSigner(provider, WHALE)
      const tx = await signer.sendTransaction({ to: BOB, value: 7n })
      if (url === node.rpcUrl) await provider.send('evm_mine', [])
      const receipt = await tx.wait()
      expect(receipt?.status).toBe(1)
      expect(receipt?.from.toLowerCase()).toBe(WHALE)
      expect(await provider.send('anvil_stopImpersonatingAccount', [WHALE])).toBeNull()
      provider.destroy()
    }
  })
})

describe('impersonated transactions: the same shapes as anvil', () => {
  it('eth_getTransactionByHash and the receipt carry the impersonated sender', async () => {
    const shapes: Record<string, unknown>[] = []
    for (const url of [node.rpcUrl, anvilUrl()]) {
      await send(url, 'anvil_autoImpersonateAccount', [true])
      const sent = await send(url, 'eth_sendTransaction', [{ from: WHALE, to: BOB, value: '0x5' }])
      const hash = sent.result as Hex
      expect(hash, JSON.stringify(sent.error)).toMatch(/^0x[0-9a-f]{64}$/)
      if (url === node.rpcUrl) await send(url, 'evm_mine', [])
      const tx = (await send(url, 'eth_getTransactionByHash', [hash])).result
      const receipt = (await send(url, 'eth_getTransactionReceipt', [hash])).result
      await send(url, 'anvil_autoImpersonateAccount', [false])
      expect(tx.from).toBe(WHALE)
      expect(receipt).toMatchObject({ from: WHALE, to: BOB, status: '0x1', gasUsed: '0x5208' })
      shapes.push({ tx: Object.keys(tx).sort(), receipt: Object.keys(receipt).sort(), type: tx.type })
    }
    const [ours, theirs] = shapes as [Record<string, string[]>, Record<string, string[]>]
    // every field anvil gives, we give (but blob fields and a transaction's blockTimestamp: not this work's)
    const notOurs = new Set(['blockTimestamp', 'blobGasPrice', 'blobGasUsed'])
    for (const k of ['tx', 'receipt'] as const)
      for (const f of theirs[k] ?? []) if (!notOurs.has(f)) expect(ours[k], `${k}.${f}`).toContain(f)
    expect(ours.type).toBe(theirs.type)
  })
})

describe('a production config (dev: false)', () => {
  it('has none of the dev methods (method not found)', async () => {
    for (const m of [
      'evm_mine',
      'anvil_mine',
      'hardhat_mine',
      'evm_increaseTime',
      'evm_setNextBlockTimestamp',
      'anvil_setNextBlockTimestamp',
      'anvil_setBlockTimestampInterval',
      'anvil_removeBlockTimestampInterval',
      'anvil_impersonateAccount',
      'anvil_stopImpersonatingAccount',
      'anvil_autoImpersonateAccount',
      'hardhat_impersonateAccount',
      'hardhat_stopImpersonatingAccount',
      'eth_sendUnsignedTransaction',
    ])
      expect((await send(prod.rpcUrl, m, [])).error?.code, m).toBe(-32601)
    // Not a dev network: eth_sendTransaction does not exist at all ([rpc-security]).
    const unsigned = await send(prod.rpcUrl, 'eth_sendTransaction', [{ from: WHALE, to: BOB, value: '0x1' }])
    expect(unsigned.error?.code).toBe(-32601)
  })
})
