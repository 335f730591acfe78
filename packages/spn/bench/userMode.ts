/**
 * `bench:spn --mode user`: what a user gets (issue [throughput]). The SPN is spn1 of a default `mesh up`
 * (the built CLI, `mesh up --detach` in a fresh data dir: main net running, both SPNs settling, default
 * block time, executor and log level); anvil (1 s interval mining unless `--anvil-block-time`) runs the
 * same workload under the same client afterwards, with the mesh stopped.
 *
 * Workload: N pre-signed ERC20 transfers from S senders, posted as JSON-RPC batches; every sender waits
 * for each of its transactions, in nonce order, with viem's `waitForTransactionReceipt` on its own
 * public client (`pollingInterval: 100`), as a viem app would. Reported per node: tx/s (first post to
 * last receipt seen), CPU seconds per transaction of the node's process tree (/proc), receipt latency
 * p50/p99 (post of the transaction's batch to its receipt seen by its sender), and for the mesh the CPU
 * of all its nodes and the settlements proved in the window.
 */

import { execFile, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { devAccounts } from '@rollup-mesh/core'
import { compileSolidityFile } from '@rollup-mesh/dual-vm'
import {
  type Abi,
  type Address,
  bytesToHex,
  createPublicClient,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  hexToBytes,
  http,
  keccak256,
  serializeTransaction,
  type TransactionSerializableEIP1559,
} from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { comparisonTable } from './comparisonTable.js'
import { treeCpuSeconds } from './procCpu.js'
import {
  countingFetch,
  STAGE_BREAKDOWN_COLUMNS,
  stageBreakdown,
  type TxTimes,
  watchHeads,
} from './txStages.js'

// biome-ignore lint/suspicious/noExplicitAny: JSON-RPC replies are indexed freely here
type Json = any

export type UserModeOptions = {
  root: string
  txs: number
  senders: number
  batch: number
  inflight: number
  json: boolean
  /** Profile every mesh node (`--cpu-prof`) into this folder; spn1's profile is reported. */
  cpuProfDir?: string | undefined
  /**
   * anvil's `--block-time` in seconds (default 1, interval mining); `auto` = automine, anvil's default,
   * which stalled here on this workload (262 blocks in 10 minutes with 8,800 transactions pending).
   */
  anvilBlockTime?: string | undefined
  noAnvil: boolean
  /** `mesh up --rpc-read-workers N` (absent: the nodes' default). */
  readWorkers?: string | undefined
  /** `mesh up --commit writer|inline` (absent: the SPNs' default). */
  commit?: string | undefined
}

type Target = {
  name: string
  url: string
  /** Its `newHeads` WebSocket endpoint (the stage breakdown's block announcements). */
  wsUrl: string
  chainId: number
  /** Pids whose process trees are charged to this node (ours: spn1). */
  pids: number[]
  /** Pids of the whole deployment (ours: every mesh node). */
  allPids: number[]
  logFile?: string
}

const log = (s: string) => process.stderr.write(`${s}\n`)
const secp = createRequire(import.meta.url)('secp256k1') as {
  ecdsaSign(msg: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number }
}

function sign(tx: TransactionSerializableEIP1559, key: Hex): Hex {
  const { signature, recid } = secp.ecdsaSign(
    hexToBytes(keccak256(serializeTransaction(tx))),
    hexToBytes(key),
  )
  return serializeTransaction(tx, {
    r: bytesToHex(signature.subarray(0, 32)),
    s: bytesToHex(signature.subarray(32)),
    yParity: recid,
  })
}

async function rpc(url: string, body: unknown): Promise<Json> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  })
  return res.json()
}
async function one(url: string, method: string, params: unknown[] = []): Promise<Json> {
  const r = await rpc(url, { jsonrpc: '2.0', id: 1, method, params })
  if (r.error) throw new Error(`${method}: ${r.error.message}`)
  return r.result
}
const req = (method: string, params: unknown[], id: number) => ({ jsonrpc: '2.0', id, method, params })

async function postAll(url: string, raws: readonly Hex[], batch: number, what: string): Promise<void> {
  for (let i = 0; i < raws.length; i += batch) {
    const r = await rpc(
      url,
      raws.slice(i, i + batch).map((raw, j) => req('eth_sendRawTransaction', [raw], j)),
    )
    for (const x of r) if (x.error) throw new Error(`${what}: ${x.error.message}`)
  }
}

async function waitReceipt(url: string, hash: Hex, timeoutMs = 120_000): Promise<Json> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const r = await one(url, 'eth_getTransactionReceipt', [hash])
    if (r) return r
    if (Date.now() > end) throw new Error(`no receipt for ${hash}`)
    await new Promise((res) => setTimeout(res, 100))
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0
}
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
const cpuOf = (pids: number[]) => pids.reduce((a, p) => a + treeCpuSeconds(p), 0)

const anvilBlockTime = (o: UserModeOptions) => o.anvilBlockTime ?? '1'
const anvilMining = (o: UserModeOptions) =>
  anvilBlockTime(o) === 'auto' ? 'automine' : `--block-time ${anvilBlockTime(o)}`

/** Starts a default mesh (`mesh up --detach`) in `dir`; returns spn1 as the target and a stop function. */
async function startMesh(
  o: UserModeOptions,
  dir: string,
): Promise<{ target: Target; stop: () => Promise<void> }> {
  const mesh = join(o.root, 'packages/cli/bin/mesh.js')
  const nodeArgs = o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : []
  const run = promisify(execFile)
  log('mesh up --detach (main net + 2 SPNs, defaults) ...')
  await new Promise<void>((resolve, reject) => {
    const readWorkers = o.readWorkers !== undefined ? ['--rpc-read-workers', o.readWorkers] : []
    const commit = o.commit !== undefined ? ['--commit', o.commit] : []
    const args = [...nodeArgs, mesh, 'up', '--detach', '--data-dir', dir, ...readWorkers, ...commit]
    const p = spawn(process.execPath, args, {
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    p.once('error', reject)
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mesh up exited ${code}`))))
  })
  const state = JSON.parse(readFileSync(join(dir, 'mesh.json'), 'utf8')) as {
    networks: {
      name: string
      rpcUrl: string
      wsUrl: string
      pid: number
      chainId: number
      logFile: string
    }[]
  }
  const spn1 = state.networks.find((n) => n.name === 'spn1')
  if (!spn1) throw new Error('mesh up started no spn1')
  return {
    target: {
      name: 'spn',
      url: spn1.rpcUrl,
      wsUrl: spn1.wsUrl,
      chainId: spn1.chainId,
      pids: [spn1.pid],
      allPids: state.networks.map((n) => n.pid),
      logFile: spn1.logFile,
    },
    stop: async () => {
      // A profiled spn1 must exit by itself to write its profile: give it longer than `mesh down` does.
      if (o.cpuProfDir) {
        process.kill(spn1.pid, 'SIGTERM')
        const end = Date.now() + 120_000
        while (Date.now() < end && isAlive(spn1.pid)) await new Promise((r) => setTimeout(r, 200))
      }
      await run(process.execPath, [mesh, 'down', '--data-dir', dir])
    },
  }
}

async function startAnvil(
  o: UserModeOptions,
  chainId: number,
): Promise<{ target: Target; version: string; stop: () => Promise<void> }> {
  const bin = join(o.root, 'node_modules/.bin/anvil')
  const version = (await promisify(execFile)(bin, ['--version'])).stdout.split('\n')[0] ?? 'anvil'
  log(`${version}, ${anvilMining(o)}`)
  const args = ['--port', '0', '--chain-id', String(chainId), '--gas-limit', '1000000000']
  if (anvilBlockTime(o) !== 'auto') args.push('--block-time', anvilBlockTime(o))
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise<string>((resolve, reject) => {
    proc.once('exit', (c) => reject(new Error(`anvil exited ${c}`)))
    let out = ''
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = out.match(/Listening on (\S+)/)
      if (m) resolve(`http://${m[1]}`)
    })
  })
  const pid = proc.pid as number
  return {
    target: { name: 'anvil', url, wsUrl: url.replace(/^http/, 'ws'), chainId, pids: [pid], allPids: [pid] },
    version,
    stop: async () => {
      if (proc.exitCode !== null) return
      const exited = new Promise((r) => proc.once('exit', r))
      process.kill(pid, 'SIGTERM')
      await exited
    },
  }
}

/** The block stages `/metrics` times (chain's `mesh_block_stage_seconds`). */
const STAGES = ['select', 'execute', 'receipts', 'commit', 'settle'] as const

/**
 * Seconds spent so far in each block stage and read-only RPC requests answered by the read workers, from
 * the node's `/metrics` (undefined for a node without it: anvil).
 */
async function nodeCounters(url: string): Promise<Record<string, number> | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(30_000) })
    if (!res.ok) return undefined
    const out: Record<string, number> = {}
    for (const line of (await res.text()).split('\n')) {
      const stage = line.match(/^mesh_block_stage_seconds_sum\{[^}]*stage="(\w+)"[^}]*\} (\S+)$/)
      if (stage) out[stage[1]!] = Number(stage[2])
      const reads = line.match(/^mesh_rpc_reads_total\{[^}]*thread="(\w+)"[^}]*\} (\S+)$/)
      if (reads) out[`reads_${reads[1]}`] = Number(reads[2])
    }
    return Object.keys(out).length ? out : undefined
  } catch {
    return undefined
  }
}

/** Each stage's busy fraction of the run (stage seconds / wall seconds) and the reads the workers answered. */
function stageColumns(
  before: Record<string, number> | undefined,
  after: Record<string, number> | undefined,
  seconds: number,
): Record<string, number> {
  if (!before || !after) return {}
  const delta = (k: string) => (after[k] ?? 0) - (before[k] ?? 0)
  const out: Record<string, number> = {}
  for (const s of STAGES) out[`busy_${s}`] = delta(s) / seconds
  out.readsOnWorkers = delta('reads_worker')
  out.readsOnMain = delta('reads_main')
  return out
}

/** Settlements spn1 proved in [from, to] (epoch ms), from its log: count and mean prove time. */
function settlementsIn(logFile: string, from: number, to: number): { count: number; meanProveMs: number } {
  let count = 0
  let total = 0
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('settlement proved')) continue
    try {
      const m = JSON.parse(line) as { time: number; provedMs?: number }
      if (m.time < from || m.time > to) continue
      count++
      total += m.provedMs ?? 0
    } catch {}
  }
  return { count, meanProveMs: count ? total / count : 0 }
}

async function workload(o: UserModeOptions, t: Target, abi: Abi, bytecode: Hex, keys: Hex[]) {
  const deployer = devAccounts(1)[0]!
  const fee = { maxFeePerGas: 100n * 10n ** 9n, maxPriorityFeePerGas: 10n ** 9n }
  const tx = (nonce: number, key: Hex, rest: Partial<TransactionSerializableEIP1559>) =>
    sign({ type: 'eip1559', chainId: t.chainId, nonce, gas: 100_000n, ...fee, ...rest }, key)
  // Setup (not measured): deploy the token, give every sender ether and tokens.
  let nonce = Number(await one(t.url, 'eth_getTransactionCount', [deployer.address, 'pending']))
  const deploy = tx(nonce++, deployer.privateKey, {
    gas: 2_000_000n,
    data: encodeDeployData({ abi, bytecode, args: ['Bench', 'BEN', 10n ** 30n] }),
  })
  await postAll(t.url, [deploy], 1, 'deploy')
  const token = (await waitReceipt(t.url, keccak256(deploy))).contractAddress as Address
  const funding: Hex[] = []
  for (const k of keys) {
    const to = privateKeyToAddress(k)
    funding.push(tx(nonce++, deployer.privateKey, { gas: 21_000n, to, value: 10n ** 19n }))
    funding.push(
      tx(nonce++, deployer.privateKey, {
        to: token,
        data: encodeFunctionData({ abi, functionName: 'transfer', args: [to, 10n ** 24n] }),
      }),
    )
  }
  await postAll(t.url, funding, 100, 'funding')
  await waitReceipt(t.url, keccak256(funding[funding.length - 1]!))

  // Pre-signed transfers, round-robin over senders, fresh recipients.
  const perSender: Hex[][] = keys.map(() => [])
  const all: { raw: Hex; sender: number }[] = []
  for (let n = 0; all.length < o.txs; n++) {
    const i = n % keys.length
    const raw = tx(perSender[i]!.length, keys[i]!, {
      gas: 60_000n,
      to: token,
      data: encodeFunctionData({
        abi,
        functionName: 'transfer',
        args: [`0x${(0xbe0000 + n).toString(16).padStart(40, '0')}`, 1n],
      }),
    })
    perSender[i]!.push(keccak256(raw))
    all.push({ raw, sender: i })
  }
  const times = new Map<Hex, TxTimes>()
  const posted = new Map<Hex, PromiseWithResolvers<void>>()
  for (const { raw } of all) posted.set(keccak256(raw), Promise.withResolvers<void>())
  const heads = await watchHeads(t.wsUrl)
  const requests = new Map<string, number>()
  const fetchFn = countingFetch(requests)

  const counters0 = await nodeCounters(t.url)
  const cpu0 = cpuOf(t.pids)
  const meshCpu0 = cpuOf(t.allPids)
  const client0 = process.cpuUsage()
  const wall0 = Date.now()
  const t0 = performance.now()
  let rejected = 0
  let retried = 0
  let next = 0
  const poster = async () => {
    while (next < all.length) {
      const slice = all.slice(next, next + o.batch)
      next += o.batch
      const at = performance.now()
      const hashes = slice.map(({ raw }) => keccak256(raw))
      for (const h of hashes) times.set(h, { postedAt: at })
      const body = slice.map(({ raw }, j) => req('eth_sendRawTransaction', [raw], j))
      // A dropped connection is retried, as viem's transport does (3 times); a transaction that got in on
      // an earlier try answers `already known` or, once mined, `nonce too low`.
      let r: Json
      for (let attempt = 0; ; attempt++) {
        try {
          r = await rpc(t.url, body)
          break
        } catch (err) {
          if (attempt === 3) throw err
          retried++
        }
      }
      for (const x of r)
        if (x.error && (retried === 0 || !/already known|nonce too low/.test(x.error.message))) rejected++
      const acked = performance.now()
      for (const h of hashes) {
        times.get(h)!.ackedAt = acked
        posted.get(h)!.resolve()
      }
    }
  }
  const latencies: number[] = []
  const sender = async (hashes: Hex[]) => {
    // One viem client per sender, as one app per user: its own block-number polling every 100 ms.
    const client = createPublicClient({
      transport: http(t.url, { timeout: 60_000, fetchFn }),
      pollingInterval: 100,
    })
    for (const hash of hashes) {
      await posted.get(hash)!.promise
      const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 100, timeout: 900_000 })
      const tt = times.get(hash)!
      tt.seenAt = performance.now()
      tt.block = Number(receipt.blockNumber)
      latencies.push(tt.seenAt - tt.postedAt)
    }
  }
  await Promise.all([
    ...Array.from({ length: o.inflight }, poster),
    ...perSender.map((hashes) => sender(hashes)),
  ])
  const seconds = (performance.now() - t0) / 1000
  heads.close()
  const cpu = cpuOf(t.pids) - cpu0
  const meshCpu = cpuOf(t.allPids) - meshCpu0
  const client = process.cpuUsage(client0)
  const settled = t.logFile ? settlementsIn(t.logFile, wall0, Date.now()) : undefined
  const stages = stageColumns(counters0, await nodeCounters(t.url), seconds)
  return {
    txs: o.txs,
    rejected,
    retriedPosts: retried,
    seconds,
    txPerSec: o.txs / seconds,
    cpuSeconds: cpu,
    cpuMsPerTx: (cpu * 1000) / o.txs,
    ...(t.allPids.length > 1 ? { meshCpuSeconds: meshCpu } : {}),
    clientCpuSeconds: (client.user + client.system) / 1e6,
    receiptP50Ms: pct(latencies, 50),
    receiptP99Ms: pct(latencies, 99),
    ...(settled ? { settlements: settled.count, proveMsMean: settled.meanProveMs } : {}),
    ...stages,
    ...stageBreakdown(times.values(), heads.seen),
    clientRequestsPerTx: [...requests.values()].reduce((a, b) => a + b, 0) / o.txs,
    ...Object.fromEntries([...requests].map(([m, n]) => [`req_${m}`, n / o.txs])),
  }
}

/** Client JSON-RPC requests per transaction, by method (viem's waitForTransactionReceipt). */
const REQUEST_COLUMNS = [
  'req_eth_blockNumber',
  'req_eth_getTransactionReceipt',
  'req_eth_getTransactionByHash',
  'req_eth_getBlockByNumber',
]

/** Runs user mode: the default mesh's spn1, then anvil, under the same client; prints a table (+ JSON). */
export async function runUserMode(o: UserModeOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'spn-bench-user-'))
  if (o.cpuProfDir) mkdirSync(o.cpuProfDir, { recursive: true })
  const keys = Array.from({ length: o.senders }, (_, i) =>
    keccak256(`0x${(i + 1).toString(16).padStart(64, '0')}`),
  )
  log('compiling Token.sol ...')
  const Token = (await compileSolidityFile(join(o.root, 'examples/contracts/Token.sol'))).contracts.Token!
  const results: Record<string, Record<string, number>> = {}
  let anvilVersion = ''
  let chainId = 9001
  try {
    const mesh = await startMesh(o, join(dir, 'mesh'))
    chainId = mesh.target.chainId
    try {
      log(`running spn1 of the mesh (${o.txs} transfers from ${o.senders} senders, viem clients) ...`)
      results.spn = await workload(o, mesh.target, Token.abi, Token.bytecode, keys)
      if (o.cpuProfDir)
        log(`spn1 pid ${mesh.target.pids[0]}: its profile is CPU.*.${mesh.target.pids[0]}.*.cpuprofile`)
    } finally {
      await mesh.stop()
    }
    if (!o.noAnvil) {
      const anvil = await startAnvil(o, chainId)
      anvilVersion = anvil.version
      try {
        log('running anvil ...')
        results.anvil = await workload(o, anvil.target, Token.abi, Token.bytecode, keys)
      } catch (err) {
        log(`anvil failed: ${(err as Error).message}`)
      } finally {
        await anvil.stop()
      }
    }
  } finally {
    // SPN_BENCH_KEEP=1 keeps the mesh's data dir (node logs) for a look afterwards.
    if (process.env.SPN_BENCH_KEEP) log(`kept ${dir}`)
    else rmSync(dir, { recursive: true, force: true })
  }
  const cols = [
    'txPerSec',
    'cpuSeconds',
    'cpuMsPerTx',
    'meshCpuSeconds',
    'seconds',
    'receiptP50Ms',
    'receiptP99Ms',
    ...STAGE_BREAKDOWN_COLUMNS,
    'clientRequestsPerTx',
    ...REQUEST_COLUMNS,
    'rejected',
    'retriedPosts',
    'clientCpuSeconds',
    'settlements',
    'proveMsMean',
    ...STAGES.map((s) => `busy_${s}`),
    'readsOnWorkers',
    'readsOnMain',
  ]
  const lines = [
    `SPN user-mode benchmark: spn1 of a default \`mesh up\`${o.readWorkers !== undefined ? ` --rpc-read-workers ${o.readWorkers}` : ''}${o.commit !== undefined ? ` --commit ${o.commit}` : ''} (main net settling) vs ${anvilVersion || 'anvil'} (${anvilMining(o)}); ${o.txs} ERC20 transfers from ${o.senders} senders in JSON-RPC batches of ${o.batch} (${o.inflight} in flight), each sender waiting on every receipt with viem waitForTransactionReceipt (pollingInterval 100 ms); load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    ...comparisonTable(results, cols, 16),
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  if (o.json) {
    const ratio = results.anvil && results.spn ? results.spn.txPerSec! / results.anvil.txPerSec! : null
    process.stdout.write(
      `${JSON.stringify({ bench: 'spn', mode: 'user', txs: o.txs, senders: o.senders, anvil: anvilVersion, anvilMining: anvilMining(o), loadAverage: loadavg(), results, spnToAnvilTxPerSec: ratio })}\n`,
    )
  }
}
