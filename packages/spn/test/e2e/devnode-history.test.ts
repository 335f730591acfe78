import type { ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { devAccounts, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { JsonRpcProvider } from 'ethers'
import {
  type Address,
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  type Hex,
  http,
  numberToHex,
  parseAbi,
  parseEther,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spnMailboxAbi } from '../../src/index.js'
import type { SPNNode } from '../../src/node.js'
import { call, createManualSPNNode, rpc, startAnvil, tempDir } from './helpers.js'

const CHAIN_ID = 31_337
const [alice, bob] = devAccounts(2).map((k) => privateKeyToAccount(k.privateKey))
/**
 * A register: any call returns slot 0, then stores CALLVALUE there when it is not zero. Init code copies the
 * 17-byte runtime (`PUSH0 SLOAD PUSH0 MSTORE CALLVALUE ISZERO PUSH1 12 JUMPI CALLVALUE PUSH0 SSTORE JUMPDEST
 * PUSH1 32 PUSH0 RETURN`).
 */
const RUNTIME: Hex = '0x5f545f523415600c57345f555b60205ff3'
const INIT: Hex = `0x6011600a5f3960115ff3${RUNTIME.slice(2)}`
const registerAbi = parseAbi(['function get() view returns (uint256)'])
const TARGET: Address = '0x1000000000000000000000000000000000000001'

let node: SPNNode
let anvil: { proc: ChildProcess; url: string } | undefined
const dir = tempDir('spn-devnode-history-')
let url: string
let register: Address

const raw = async (target: string, method: string, params: unknown[] = []) =>
  (await rpc(target, call(method, params))).json

beforeAll(async () => {
  node = createManualSPNNode({ spnId: 'spn1', chainId: CHAIN_ID, dataDir: dir, devAccounts: 2 })
  await node.start()
  url = node.rpcUrl
  anvil = await startAnvil(CHAIN_ID)
}, 60_000)

afterAll(async () => {
  anvil?.proc.kill('SIGKILL')
  await node?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('historical state on a running SPN (viem, ethers, raw JSON-RPC)', () => {
  it('reads balances, storage and calls at every block after 1,000 blocks', async () => {
    const chain = node.chain
    const client = createPublicClient({ transport: http(url) })
    const wallet = createWalletClient({ account: alice as never, transport: http(url) })
    const deploy = await wallet.sendTransaction({
      chain: null,
      data: INIT,
      gas: 200_000n,
      maxFeePerGas: 10n ** 11n,
      maxPriorityFeePerGas: 1n,
    })
    await chain.produceBlock()
    const receipt = await client.getTransactionReceipt({ hash: deploy })
    register = receipt.contractAddress as Address
    // blocks 2..21: bob gets i wei, the register holds i
    for (let i = 2; i <= 21; i++) {
      for (const tx of [
        { to: bob?.address as Address, value: BigInt(i) },
        { to: register, value: BigInt(i) },
      ])
        await wallet.sendTransaction({
          chain: null,
          ...tx,
          gas: 60_000n,
          maxFeePerGas: 10n ** 11n,
          maxPriorityFeePerGas: 1n,
        })
      const sealed = await chain.produceBlock()
      expect(sealed.txs.length).toBe(2)
    }
    while (chain.head().number < 1_000n) await chain.produceBlock()
    const bobBase = await client.getBalance({ address: bob?.address as Address, blockNumber: 1n })
    const ethers = new JsonRpcProvider(url, CHAIN_ID, { staticNetwork: true })
    for (const i of [2, 3, 10, 21]) {
      const n = BigInt(i)
      const sum = BigInt(((i + 1) * i) / 2 - 1) // 2 + … + i
      expect(await client.getBalance({ address: bob?.address as Address, blockNumber: n })).toBe(
        bobBase + sum,
      )
      expect(await ethers.getBalance(bob?.address as Address, i)).toBe(bobBase + sum)
      expect(await client.getStorageAt({ address: register, slot: '0x0', blockNumber: n })).toBe(
        numberToHex(i, { size: 32 }),
      )
      expect(
        await client.readContract({
          address: register,
          abi: registerAbi,
          functionName: 'get',
          blockNumber: n,
        }),
      ).toBe(n)
      expect(await ethers.getTransactionCount(alice?.address as Address, i)).toBe(1 + 2 * (i - 1))
    }
    // before the deploy: no code; a raw EIP-1898 read by hash
    expect(await client.getCode({ address: register, blockNumber: 0n })).toBeUndefined()
    const h10 = (await client.getBlock({ blockNumber: 10n })).hash
    expect((await raw(url, 'eth_getStorageAt', [register, '0x0', { blockHash: h10 }])).result).toBe(
      numberToHex(10, { size: 32 }),
    )
    const unknown = (
      await raw(url, 'eth_getBalance', [alice?.address, { blockHash: `0x${'ee'.repeat(32)}` }])
    ).error
    expect(unknown.message).toContain(`no block with hash 0x${'ee'.repeat(32)}`)
    ethers.destroy()
  }, 180_000)
})

describe('dev state methods compared with anvil', () => {
  it('anvil_setBalance/setNonce/setCode/setStorageAt (and hardhat_ names) answer and read back as anvil does', async () => {
    if (!anvil) return expect.fail('anvil did not start')
    const requests: [string, unknown[]][] = [
      ['anvil_setBalance', [TARGET, '0x3635c9adc5dea00000']],
      ['hardhat_setBalance', [TARGET, '0x10']],
      ['anvil_setNonce', [TARGET, '0x5']],
      ['hardhat_setNonce', [TARGET, '0x7']],
      ['anvil_setCode', [TARGET, RUNTIME]],
      ['anvil_setStorageAt', [TARGET, '0x0', numberToHex(42, { size: 32 })]],
      ['hardhat_setStorageAt', [TARGET, '0x1', numberToHex(43, { size: 32 })]],
      ['eth_getBalance', [TARGET, 'latest']],
      ['eth_getTransactionCount', [TARGET, 'latest']],
      ['eth_getCode', [TARGET, 'latest']],
      ['eth_getStorageAt', [TARGET, '0x0', 'latest']],
      ['eth_getStorageAt', [TARGET, '0x1', 'latest']],
      ['eth_call', [{ to: TARGET, data: '0x' }, 'latest']],
      ['hardhat_setCode', [TARGET, '0x']],
      ['eth_getCode', [TARGET, 'latest']],
    ]
    for (const [method, params] of requests) {
      const ours = await raw(url, method, params)
      const theirs = await raw(anvil.url, method, params)
      expect({ method, result: ours.result }).toEqual({ method, result: theirs.result })
    }
    // bad parameters: an invalid-params error on both, nothing changed
    for (const [method, params] of [
      ['anvil_setBalance', ['0xzz', '0x1']],
      ['anvil_setStorageAt', [TARGET, '0x0', '0x3']],
    ] as [string, unknown[]][]) {
      const ours = await raw(url, method, params)
      const theirs = await raw(anvil.url, method, params)
      expect(ours.error?.code).toBe(-32602)
      expect(theirs.error?.code).toBe(-32602)
    }
    expect((await raw(url, 'eth_getStorageAt', [TARGET, '0x0', 'latest'])).result).toBe(
      numberToHex(42, { size: 32 }),
    )
  })

  it('a dump of ours loads into anvil, and anvil reads the same accounts, code and storage', async () => {
    if (!anvil) return expect.fail('anvil did not start')
    const dump = (await raw(url, 'anvil_dumpState')).result as Hex
    expect(JSON.parse(gunzipSync(Buffer.from(dump.slice(2), 'hex')).toString()).accounts).toBeTypeOf('object')
    const loaded = await raw(anvil.url, 'anvil_loadState', [dump])
    expect(loaded.error).toBeUndefined()
    expect(loaded.result).toBe(true)
    for (const [method, params] of [
      ['eth_getCode', [register, 'latest']],
      ['eth_getStorageAt', [register, '0x0', 'latest']],
      ['eth_getBalance', [bob?.address, 'latest']],
      ['eth_getTransactionCount', [alice?.address, 'latest']],
    ] as [string, unknown[]][])
      expect((await raw(anvil.url, method, params)).result).toBe((await raw(url, method, params)).result)
    // and anvil's dump loads into ours
    await raw(anvil.url, 'anvil_setBalance', [TARGET, '0x77'])
    const theirs = (await raw(anvil.url, 'anvil_dumpState')).result
    expect((await raw(url, 'anvil_loadState', [theirs])).result).toBe(true)
    expect((await raw(url, 'eth_getBalance', [TARGET, 'latest'])).result).toBe('0x77')
  })
})

describe('evm_snapshot / evm_revert on a running SPN', () => {
  it('snapshot → 100 transactions → revert gives back the state, block number and pool', async () => {
    const chain = node.chain
    const wallet = createWalletClient({ account: bob as never, transport: http(url) })
    const send = (nonce: number) =>
      wallet.sendTransaction({
        chain: null,
        to: register,
        value: BigInt(nonce + 1),
        nonce,
        gas: 60_000n,
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 1n,
      })
    const base = Number((await raw(url, 'eth_getTransactionCount', [bob?.address, 'latest'])).result)
    await send(base) // pending at snapshot time
    const before = {
      block: (await raw(url, 'eth_blockNumber')).result,
      dump: (await raw(url, 'anvil_dumpState')).result,
      pool: chain.mempool.size,
    }
    const id = (await raw(url, 'evm_snapshot')).result
    expect(id).toMatch(/^0x[0-9a-f]+$/)
    for (let i = 1; i <= 100; i++) {
      await send(base + i)
      if (i % 20 === 0) await chain.produceBlock()
    }
    await raw(url, 'anvil_setBalance', [alice?.address, numberToHex(parseEther('1'))])
    expect(BigInt((await raw(url, 'eth_blockNumber')).result)).toBe(BigInt(before.block) + 5n)
    expect((await raw(url, 'evm_revert', [id])).result).toBe(true)
    expect((await raw(url, 'eth_blockNumber')).result).toBe(before.block)
    const after = gunzipSync(
      Buffer.from(((await raw(url, 'anvil_dumpState')).result as string).slice(2), 'hex'),
    )
    expect(JSON.parse(after.toString())).toEqual(
      JSON.parse(gunzipSync(Buffer.from((before.dump as string).slice(2), 'hex')).toString()),
    )
    expect(chain.mempool.size).toBe(before.pool)
    expect((await raw(url, 'evm_revert', [id])).result).toBe(false)
    // the chain goes on: the pending transaction is mined next
    const sealed = await chain.produceBlock()
    expect(sealed.txs.length).toBe(1)
  }, 120_000)

  it('refuses to rewind below a block that sent a cross-network message, naming it, and changes nothing', async () => {
    const chain = node.chain
    const id = (await raw(url, 'evm_snapshot')).result
    const wallet = createWalletClient({ account: alice as never, transport: http(url) })
    await wallet.sendTransaction({
      chain: null,
      to: SYSTEM_ADDRESSES.spn.mailbox,
      data: encodeFunctionData({
        abi: spnMailboxAbi,
        functionName: 'sendMessage',
        args: [2n, bob?.address as Address, '0x01'],
      }),
      gas: 300_000n,
      maxFeePerGas: 10n ** 11n,
      maxPriorityFeePerGas: 1n,
    })
    const sealed = await chain.produceBlock()
    expect(sealed.receipts.map((r) => r.status)).toEqual([1])
    const refused = (await raw(url, 'evm_revert', [id])).error
    expect(refused.message).toContain(`block ${sealed.header.number} sent a cross-network message`)
    expect(chain.head().number).toBe(sealed.header.number)
  }, 60_000)
})
