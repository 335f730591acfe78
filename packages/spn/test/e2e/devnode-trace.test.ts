import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { devAccounts } from '@rollup-mesh/core'
import { compileSolidity } from '@rollup-mesh/dual-vm'
import { JsonRpcProvider } from 'ethers'
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeDeployData,
  encodeFunctionData,
  getContractAddress,
  type Hex,
  http,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SPNNode } from '../../src/index.js'
import { anvilBin, call, createManualSPNNode, rpc, tempDir } from './helpers.js'

/**
 * [devnode] tracing: the same transactions sent by the same dev account to an in-process SPN and to anvil
 * (`--steps-tracing`, the same chain id), then `debug_trace*` and `eth_createAccessList` compared answer
 * by answer. What legitimately differs is normalised: balances (base fees differ) and the coinbase.
 */

const root = fileURLToPath(new URL('../../../..', import.meta.url))
const castBin = join(root, 'node_modules/.bin/cast')
const CHAIN_ID = 9_177
const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
contract Child {
  uint256 public v;
  event Set(uint256 x);
  function set(uint256 x) external returns (uint256) { v = x; emit Set(x); return x * 2; }
  function boom() external pure { revert("boom"); }
}
contract Parent {
  Child public c;
  uint256 public n;
  event Went(uint256 r);
  constructor() { c = new Child(); }
  function go(uint256 x) external returns (uint256 r) { n += 1; r = c.set(x) + n; emit Went(r); }
  function fail() external { n += 1; c.boom(); }
}`

const [dev] = devAccounts(1)
const account = privateKeyToAccount(dev!.privateKey)
const alice = account.address.toLowerCase() as Address
const chain = defineChain({
  id: CHAIN_ID,
  name: 'trace',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: ['http://127.0.0.1'] } },
})

// biome-ignore lint/suspicious/noExplicitAny: JSON-RPC replies are compared as JSON
type Json = any

let dir: string
let node: SPNNode
let anvil: { proc: ChildProcess; url: string }
let abi: Abi
let parent: Address
/** Transactions sent to both chains, by name: their hash on ours and on anvil. */
const sent: Record<string, { ours: Hex; anvil: Hex; block: bigint }> = {}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function startAnvil(): Promise<{ proc: ChildProcess; url: string }> {
  const port = await freePort()
  const proc = spawn(
    anvilBin,
    ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(CHAIN_ID), '--steps-tracing'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const url = `http://127.0.0.1:${port}`
  await new Promise<void>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`anvil did not start:\n${out}`)), 15_000)
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('Listening on')) {
        clearTimeout(timer)
        resolve()
      }
    })
  })
  return { proc, url }
}

const ourUrl = () => node.rpcUrl as string

async function ask(url: string, method: string, params: unknown[]): Promise<Json> {
  const { json } = await rpc(url, call(method, params))
  if (json.error) throw new Error(`${method} on ${url}: ${JSON.stringify(json.error)}`)
  return json.result
}

/** Sends one transaction (explicit gas, so both chains give execution the same gas) to both chains. */
async function sendBoth(name: string, tx: { to?: Address; data: Hex; gas: bigint }): Promise<void> {
  const hashes: Hex[] = []
  let block = 0n
  for (const url of [ourUrl(), anvil.url]) {
    const wallet = createWalletClient({ chain, transport: http(url), account })
    const client = createPublicClient({ chain, transport: http(url), pollingInterval: 20 })
    const hash = await wallet.sendTransaction({ ...tx, to: tx.to ?? null })
    if (url === ourUrl()) await node.chain.produceBlock()
    const receipt = await client.waitForTransactionReceipt({ hash })
    if (url === ourUrl()) block = receipt.blockNumber
    hashes.push(hash)
  }
  sent[name] = { ours: hashes[0]!, anvil: hashes[1]!, block }
}

/** Balances differ (base fees differ); the coinbase is credited differently. Everything else must agree. */
function normalisePrestate(p: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {}
  for (const [address, entry] of Object.entries(p)) {
    if (address === '0x0000000000000000000000000000000000000000') continue
    const { balance: _balance, ...rest } = entry as Record<string, unknown>
    out[address] = rest
  }
  return out
}

const childOf = (address: Address) => getContractAddress({ from: address, nonce: 1n }).toLowerCase()

const stepFields = (logs: Json[]) =>
  logs.map((l) => ({ pc: l.pc, op: l.op, gas: l.gas, gasCost: l.gasCost, depth: l.depth, stack: l.stack }))

beforeAll(async () => {
  dir = tempDir('devnode-trace-')
  const [compiled, a] = await Promise.all([compileSolidity({ sources: { 'P.sol': SOURCE } }), startAnvil()])
  anvil = a
  abi = compiled.contracts.Parent!.abi
  node = createManualSPNNode({ spnId: 'spn1', chainId: CHAIN_ID, dataDir: dir, rpc: { port: 0 } })
  await node.start()
  await sendBoth('deploy', {
    data: encodeDeployData({ abi, bytecode: compiled.contracts.Parent!.bytecode }),
    gas: 1_000_000n,
  })
  const receipt = await createPublicClient({ chain, transport: http(ourUrl()) }).getTransactionReceipt({
    hash: sent.deploy!.ours,
  })
  parent = receipt.contractAddress!.toLowerCase() as Address
  await sendBoth('go', {
    to: parent,
    data: encodeFunctionData({ abi, functionName: 'go', args: [7n] }),
    gas: 300_000n,
  })
  await sendBoth('fail', {
    to: parent,
    data: encodeFunctionData({ abi, functionName: 'fail' }),
    gas: 300_000n,
  })
}, 120_000)

afterAll(async () => {
  await node?.stop()
  if (anvil?.proc.pid) {
    const exited = new Promise((r) => anvil.proc.once('exit', r))
    anvil.proc.kill('SIGKILL')
    await exited
  }
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const goCall = () => ({
  from: alice,
  to: parent,
  data: encodeFunctionData({ abi, functionName: 'go', args: [9n] }),
  gas: '0x493e0',
})

describe('debug_traceCall and eth_createAccessList: our SPN answers as anvil does', () => {
  it('struct logs: op, pc, gas, gasCost, depth and stack equal at every step', async () => {
    const [ours, theirs] = await Promise.all(
      [ourUrl(), anvil.url].map((url) => ask(url, 'debug_traceCall', [goCall(), 'latest', {}])),
    )
    expect(ours.structLogs.length).toBeGreaterThan(100)
    expect(stepFields(ours.structLogs)).toEqual(stepFields(theirs.structLogs))
    expect({ ...ours, structLogs: undefined }).toEqual({ ...theirs, structLogs: undefined })
    // storage at SLOAD/SSTORE, refund
    const storageSteps = (r: Json) =>
      r.structLogs.filter((l: Json) => l.storage).map((l: Json) => [l.op, l.storage, l.refund])
    expect(storageSteps(ours)).toEqual(storageSteps(theirs))
  })

  it('struct logs with memory and return data', async () => {
    const options = { enableMemory: true, enableReturnData: true }
    const [ours, theirs] = await Promise.all(
      [ourUrl(), anvil.url].map((url) => ask(url, 'debug_traceCall', [goCall(), 'latest', options])),
    )
    const extra = (r: Json) => r.structLogs.map((l: Json) => [l.memory, l.returnData])
    expect(extra(ours)).toEqual(extra(theirs))
  })

  it('callTracer (with logs) and prestateTracer', async () => {
    for (const options of [
      { tracer: 'callTracer', tracerConfig: { withLog: true } },
      { tracer: 'callTracer', tracerConfig: { onlyTopCall: true } },
    ]) {
      const [ours, theirs] = await Promise.all(
        [ourUrl(), anvil.url].map((url) => ask(url, 'debug_traceCall', [goCall(), 'latest', options])),
      )
      expect(ours, JSON.stringify(options)).toEqual(theirs)
    }
    const failing = { ...goCall(), data: encodeFunctionData({ abi, functionName: 'fail' }) }
    const [ours, theirs] = await Promise.all(
      [ourUrl(), anvil.url].map((url) =>
        ask(url, 'debug_traceCall', [failing, 'latest', { tracer: 'callTracer' }]),
      ),
    )
    expect(ours).toEqual(theirs)
    const [pre, anvilPre] = await Promise.all(
      [ourUrl(), anvil.url].map((url) =>
        ask(url, 'debug_traceCall', [goCall(), 'latest', { tracer: 'prestateTracer' }]),
      ),
    )
    expect(normalisePrestate(pre)).toEqual(normalisePrestate(anvilPre))
  })

  it('an out-of-gas call: the failing step carries the error, and the prestate diff agrees', async () => {
    const starved = { ...goCall(), gas: '0x7530' }
    const [ours, theirs] = await Promise.all(
      [ourUrl(), anvil.url].map((url) => ask(url, 'debug_traceCall', [starved, 'latest', {}])),
    )
    expect(ours.failed).toBe(true)
    expect(stepFields(ours.structLogs)).toEqual(stepFields(theirs.structLogs))
    // geth's wording; anvil prints Rust's "Some(OutOfGas)"
    expect(ours.structLogs.at(-1).error).toBe('out of gas')
    expect(theirs.structLogs.at(-1).error).toMatch(/OutOfGas/)
    expect({ ...ours, structLogs: undefined }).toEqual({ ...theirs, structLogs: undefined })
    const [calls, anvilCalls] = await Promise.all(
      [ourUrl(), anvil.url].map((url) =>
        ask(url, 'debug_traceCall', [starved, 'latest', { tracer: 'callTracer' }]),
      ),
    )
    expect(calls).toEqual(anvilCalls)
    const diff = { tracer: 'prestateTracer', tracerConfig: { diffMode: true } }
    const [d, da] = await Promise.all(
      [ourUrl(), anvil.url].map((url) => ask(url, 'debug_traceCall', [goCall(), 'latest', diff])),
    )
    expect(normalisePrestate(d.pre)).toEqual(normalisePrestate(da.pre))
    expect(normalisePrestate(d.post)).toEqual(normalisePrestate(da.post))
  })

  it('eth_createAccessList: raw, viem and ethers', async () => {
    const request = { from: alice, to: parent, data: goCall().data }
    const [ours, theirs] = await Promise.all(
      [ourUrl(), anvil.url].map((url) => ask(url, 'eth_createAccessList', [request, 'latest'])),
    )
    // anvil's order varies from run to run (a hash map); ours is sorted by address, then slot
    const sorted = (r: Json) => ({
      ...r,
      accessList: [...r.accessList]
        .map((e: Json) => ({ ...e, storageKeys: [...e.storageKeys].sort() }))
        .sort((a: Json, b: Json) => (a.address < b.address ? -1 : 1)),
    })
    expect(ours).toEqual(sorted(theirs))
    expect(ours.accessList.map((e: Json) => e.address)).toEqual([parent, childOf(parent)].sort())
    const viaViem = await createPublicClient({ chain, transport: http(ourUrl()) }).createAccessList({
      account: alice,
      to: parent,
      data: request.data,
    })
    expect(viaViem.accessList).toEqual(ours.accessList)
    expect(viaViem.gasUsed).toBe(BigInt(ours.gasUsed))
    const viaEthers = await new JsonRpcProvider(ourUrl(), CHAIN_ID, { staticNetwork: true }).send(
      'eth_createAccessList',
      [request, 'latest'],
    )
    expect(viaEthers).toEqual(ours)
  })

  it('refuses an unknown or JavaScript tracer with the list of supported ones', async () => {
    const unknown = await rpc(
      ourUrl(),
      call('debug_traceCall', [goCall(), 'latest', { tracer: '4byteTracer' }]),
    )
    expect(unknown.json.error.code).toBe(-32602)
    expect(unknown.json.error.message).toMatch(/4byteTracer.*not supported.*callTracer, prestateTracer/)
    const js = await rpc(
      ourUrl(),
      call('debug_traceCall', [goCall(), 'latest', { tracer: '{ result: function () {} }' }]),
    )
    expect(js.json.error.message).toMatch(/JavaScript tracers are not supported/)
    const bad = await rpc(
      ourUrl(),
      call('debug_traceCall', [goCall(), 'latest', { tracer: 'callTracer', tracerConfig: { withLog: 1 } }]),
    )
    expect(bad.json.error).toMatchObject({ code: -32602 })
    expect(bad.json.error.message).toMatch(/tracerConfig.withLog/)
  })
})

describe('debug_traceTransaction, debug_traceBlock*, cast run (need the state before the block)', () => {
  it('replays mined transactions as anvil does: struct logs, callTracer, prestate diff', async () => {
    for (const name of ['go', 'fail', 'deploy']) {
      const { ours: h, anvil: ha } = sent[name]!
      const [ours, theirs] = [
        await ask(ourUrl(), 'debug_traceTransaction', [h, {}]),
        await ask(anvil.url, 'debug_traceTransaction', [ha, {}]),
      ]
      expect(stepFields(ours.structLogs), name).toEqual(stepFields(theirs.structLogs))
      expect({ ...ours, structLogs: undefined }, name).toEqual({ ...theirs, structLogs: undefined })
      const callOptions = { tracer: 'callTracer', tracerConfig: { withLog: true } }
      expect(await ask(ourUrl(), 'debug_traceTransaction', [h, callOptions]), name).toEqual(
        await ask(anvil.url, 'debug_traceTransaction', [ha, callOptions]),
      )
      const diff = { tracer: 'prestateTracer', tracerConfig: { diffMode: true } }
      const [d, da] = [
        await ask(ourUrl(), 'debug_traceTransaction', [h, diff]),
        await ask(anvil.url, 'debug_traceTransaction', [ha, diff]),
      ]
      expect(normalisePrestate(d.pre), name).toEqual(normalisePrestate(da.pre))
      expect(normalisePrestate(d.post), name).toEqual(normalisePrestate(da.post))
    }
    // ethers sends the same request
    const viaEthers = await new JsonRpcProvider(ourUrl(), CHAIN_ID, { staticNetwork: true }).send(
      'debug_traceTransaction',
      [sent.go!.ours, { tracer: 'callTracer' }],
    )
    expect(viaEthers.type).toBe('CALL')
    // debug_traceBlockByNumber / ByHash: [{ txHash, result }]
    const number = `0x${sent.go!.block.toString(16)}`
    const byNumber = await ask(ourUrl(), 'debug_traceBlockByNumber', [number, { tracer: 'callTracer' }])
    expect(byNumber).toEqual([
      {
        txHash: sent.go!.ours,
        result: await ask(ourUrl(), 'debug_traceTransaction', [sent.go!.ours, { tracer: 'callTracer' }]),
      },
    ])
    const block = await ask(ourUrl(), 'eth_getBlockByNumber', [number, false])
    expect(await ask(ourUrl(), 'debug_traceBlockByHash', [block.hash, { tracer: 'callTracer' }])).toEqual(
      byNumber,
    )
  })

  // cast run asks for the block, its parent, and eth_getBalance/getCode/getTransactionCount/getStorageAt (and
  // anvil's eth_getAccountInfo, falling back when refused) at the parent block, then re-executes locally.
  it('cast run <tx> re-executes the transaction against our SPN and prints its trace', async () => {
    const { stdout } = await promisify(execFile)(castBin, ['run', sent.go!.ours, '--rpc-url', ourUrl()], {
      timeout: 60_000,
    })
    expect(stdout).toMatch(/Traces:/)
    expect(stdout).toMatch(/Transaction successfully executed/)
  }, 90_000)
})
