import type { ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { devAccounts } from '@rollup-mesh/core'
import {
  type Abi,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  maxUint256,
  parseEther,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSPNNode, type SPNNode } from '../../src/index.js'
import { call, rpc, startAnvil, tempDir } from './helpers.js'

// Uniswap V2 from its npm artifacts: the failing case was a swap whose gas came from
// eth_estimateGas run in the latest block, where no time had passed since the pair's last update, so the
// price accumulators were not written in the estimate but were in the mined block (out of gas).
const require = createRequire(import.meta.url)
type Artifact = { abi: Abi; bytecode: string }
const artifact = (path: string): { abi: Abi; bytecode: Hex } => {
  const a = require(path) as Artifact
  return { abi: a.abi, bytecode: (a.bytecode.startsWith('0x') ? a.bytecode : `0x${a.bytecode}`) as Hex }
}
const ERC20 = artifact('@uniswap/v2-core/build/ERC20.json')
const Factory = artifact('@uniswap/v2-core/build/UniswapV2Factory.json')
const Pair = artifact('@uniswap/v2-core/build/UniswapV2Pair.json')
const WETH9 = artifact('@uniswap/v2-periphery/build/WETH9.json')
const Router = artifact('@uniswap/v2-periphery/build/UniswapV2Router02.json')

const CHAIN_ID = 31_341
const alice = privateKeyToAccount(devAccounts(1)[0]!.privateKey)
const DEADLINE = maxUint256

let dir: string
let node: SPNNode
let anvil: { proc: ChildProcess; url: string } | undefined

beforeAll(async () => {
  dir = tempDir('spn-devnode-uniswap-')
  // The default producer at the default block time (500 ms): what `mesh up` runs.
  node = createSPNNode({
    config: { chainId: CHAIN_ID, dataDir: join(dir, 'data'), logLevel: 'silent', decodeWorkers: 0 },
  })
  const [a] = await Promise.all([startAnvil(CHAIN_ID), node.start()])
  anvil = a
}, 60_000)

afterAll(async () => {
  await node?.stop()
  if (anvil?.proc.pid) {
    const exited = new Promise((r) => anvil?.proc.once('exit', r))
    process.kill(anvil.proc.pid, 'SIGKILL')
    await exited
  }
  rmSync(dir, { recursive: true, force: true })
})

const chainAt = (url: string): Chain =>
  defineChain({
    id: CHAIN_ID,
    name: 'devnode',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  })

type Gas = { addLiquidity: bigint; swap: bigint; swapBack: bigint; sync: bigint }

/**
 * Deploys two ERC20s, WETH9, the factory and Router02, adds liquidity, swaps both ways and syncs the pair,
 * every transaction with viem's `writeContract` / `deployContract` and no manual gas. Returns the gas used.
 */
async function scenario(url: string): Promise<Gas> {
  const chain = chainAt(url)
  const pub = createPublicClient({ chain, transport: http(url), pollingInterval: 50 })
  const wallet = createWalletClient({ chain, transport: http(url), account: alice })
  const mined = async (hash: Hex) => {
    const r = await pub.waitForTransactionReceipt({ hash, timeout: 30_000 })
    expect(r.status, `${hash} status`).toBe('success')
    return r
  }
  const deploy = async (a: { abi: Abi; bytecode: Hex }, args: unknown[] = []) => {
    const r = await mined(await wallet.deployContract({ abi: a.abi, bytecode: a.bytecode, args }))
    return r.contractAddress as Address
  }
  const write = async (address: Address, abi: Abi, functionName: string, args: unknown[] = []) =>
    mined(await wallet.writeContract({ address, abi, functionName, args }))

  const tokenA = await deploy(ERC20, [parseEther('1000000')])
  const tokenB = await deploy(ERC20, [parseEther('1000000')])
  const weth = await deploy(WETH9)
  const factory = await deploy(Factory, [alice.address])
  const router = await deploy(Router, [factory, weth])
  await write(tokenA, ERC20.abi, 'approve', [router, maxUint256])
  await write(tokenB, ERC20.abi, 'approve', [router, maxUint256])
  const add = await write(router, Router.abi, 'addLiquidity', [
    tokenA,
    tokenB,
    parseEther('1000'),
    parseEther('1000'),
    0n,
    0n,
    alice.address,
    DEADLINE,
  ])
  const pair = (await pub.readContract({
    address: factory,
    abi: Factory.abi,
    functionName: 'getPair',
    args: [tokenA, tokenB],
  })) as Address
  // Sent as soon as the liquidity is in: the estimate must see the time the mined block will see.
  const swap = await write(router, Router.abi, 'swapExactTokensForTokens', [
    parseEther('1'),
    0n,
    [tokenA, tokenB],
    alice.address,
    DEADLINE,
  ])
  const swapBack = await write(router, Router.abi, 'swapExactTokensForTokens', [
    parseEther('1'),
    0n,
    [tokenB, tokenA],
    alice.address,
    DEADLINE,
  ])
  const sync = await write(pair, Pair.abi, 'sync')
  const reserves = (await pub.readContract({
    address: pair,
    abi: Pair.abi,
    functionName: 'getReserves',
  })) as [bigint, bigint, number]
  expect(reserves[0]).toBeGreaterThan(parseEther('999'))
  return { addLiquidity: add.gasUsed, swap: swap.gasUsed, swapBack: swapBack.gasUsed, sync: sync.gasUsed }
}

describe('Uniswap V2 on an SPN at the default block time (viem, no manual gas)', () => {
  it('adds liquidity, swaps both ways and syncs, every transaction status 1; the gas matches anvil', async () => {
    const ours = await scenario(node.rpcUrl)
    expect(ours.sync).toBeGreaterThan(0n)
    expect(anvil, 'anvil (node_modules/@foundry-rs/anvil) started').toBeDefined()
    const url = (anvil as { url: string }).url
    // anvil's automine gives blocks mined within one second the same timestamp (then no time passes for the
    // pair and its accumulators are not written: sync 42,696 gas). With Ethereum's rule, one second at
    // least between blocks, both chains write them: the same gas for the same transactions.
    await rpc(url, call('anvil_setBlockTimestampInterval', [1]))
    const theirs = await scenario(url)
    expect(ours).toEqual(theirs)
    expect(ours.sync).toBe(55_912n)
  }, 120_000)
})
