/**
 * End-to-end SPN benchmark (issue 5): N pre-signed EIP-1559 ERC20 transfers
 * from many senders, posted as JSON-RPC batches to a running node (a child
 * process), until every receipt is available; sustained tx/s, receipt latency
 * (submission -> block with the receipt visible over RPC) p50/p99, block time and
 * eth_call latency p50/p99. anvil runs the same workload in the same run.
 *
 * Defaults are the brief's workload: 10,000 transfers from 200 senders, 1 s blocks,
 * 1 Ggas block gas limit (both nodes).
 *
 *   npm run bench:spn -- [--txs 3000] [--senders 50] [--block-time 500] [--batch 500]
 *     [--executor serial|parallel] [--recipients fresh|next-sender] [--warmup 2000] [--rounds 3] [--no-anvil]
 *     [--commit inline|writer] [--json]
 *   npm run bench:spn -- --mode user [--txs 10000] [--senders 200] [--cpu-prof DIR] [--anvil-block-time S]
 *     [--read-workers N] [--commit inline|writer] [--workers N] [--warmup 2000]
 *     what a user gets: spn1 of a default `mesh up` (main net settling) and anvil, each sender waiting
 *     on its receipts with viem (see userMode.ts)
 *
 *     user mode's `--workload erc20|wasm-token|both` (default erc20): `wasm-token`, the AssemblyScript
 *     token (examples/contracts/token.ts), ours only; `both`, the ERC20 pair then the WASM token
 */
import { comparisonTable } from './comparisonTable.js'
import '@rollup-mesh/core/polyfill'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { devAccounts, InvalidParameterError } from '@rollup-mesh/core'
import { compileSolidityFile } from '@rollup-mesh/dual-vm'
import { type Abi, type Address, encodeDeployData, encodeFunctionData, type Hex, keccak256 } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { type Json, rpc as postJSONRPC } from './jsonRpc.js'
import { readyUrl } from './readyUrl.js'
import { signTx } from './signTx.js'
import { runUserMode } from './userMode.js'

const { values } = parseArgs({
  options: {
    txs: { type: 'string', default: '10000' },
    senders: { type: 'string', default: '200' },
    batch: { type: 'string', default: '500' },
    inflight: { type: 'string', default: '2' },
    calls: { type: 'string', default: '1000' },
    'block-time': { type: 'string', default: '1000' },
    'gas-limit': { type: 'string', default: '1000000000' },
    'no-anvil': { type: 'boolean', default: false },
    executor: { type: 'string', default: 'serial' },
    recipients: { type: 'string', default: 'fresh' },
    warmup: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
    mode: { type: 'string', default: 'tuned' },
    workload: { type: 'string', default: 'erc20' },
    'cpu-prof': { type: 'string' },
    'anvil-block-time': { type: 'string' },
    'read-workers': { type: 'string' },
    commit: { type: 'string' },
    workers: { type: 'string' },
  },
})
if (values.commit !== undefined && values.commit !== 'inline' && values.commit !== 'writer')
  throw new Error(`--commit: expected inline or writer, got ${values.commit}`)
if (values.mode !== 'tuned' && values.mode !== 'user')
  throw new Error(`--mode: expected tuned or user, got ${values.mode}`)
const N = Number(values.txs)
if (values.recipients !== 'fresh' && values.recipients !== 'next-sender')
  throw new Error(`--recipients: expected fresh or next-sender, got ${values.recipients}`)
const WORKLOADS = ['erc20', 'wasm-token', 'both'] as const
const workload = WORKLOADS.find((w) => w === values.workload)
if (!workload)
  throw new InvalidParameterError({
    param: '--workload',
    expected: WORKLOADS.join(', '),
    got: values.workload,
  })
if (workload !== 'erc20' && values.mode !== 'user')
  throw new InvalidParameterError({
    param: '--workload',
    expected: 'erc20 in tuned mode (the WASM token runs with --mode user)',
    got: workload,
  })
/**
 * Who the n-th transfer (by sender `i`) pays: `fresh`, a new address per transfer (independent
 * transfers, each a zero-to-non-zero balance store); `next-sender`, the next sender in the
 * round-robin, so each transfer reads the balance the previous one wrote (one long dependency chain:
 * the worst case for a parallel executor, no different for a serial one).
 */
function recipient(n: number, i: number, keys: Hex[]): Address {
  if (values.recipients === 'next-sender') return privateKeyToAddress(keys[(i + 1) % keys.length]!)
  return `0x${(0xbe0000 + n).toString(16).padStart(40, '0')}` as Address
}
const S = Number(values.senders)
const BATCH = Number(values.batch)
const INFLIGHT = Number(values.inflight)
const CALLS = Number(values.calls)
const WARMUP = Number(values.warmup)
const ROUNDS = Math.max(1, Number(values.rounds))
const CHAIN_ID = 31_999
const root = fileURLToPath(new URL('../../..', import.meta.url))
const log = (s: string) => process.stderr.write(`${s}\n`)

async function rpc(url: string, body: unknown): Promise<Json> {
  try {
    return await postJSONRPC(url, body, 60_000)
  } catch (err) {
    throw new Error(`POST ${url} failed: ${(err as Error).cause ?? err}`)
  }
}
async function one(url: string, method: string, params: unknown[] = []): Promise<Json> {
  const r = await rpc(url, { jsonrpc: '2.0', id: 1, method, params })
  if (r.error) throw new Error(`${method}: ${r.error.message}`)
  return r.result
}
const req = (method: string, params: unknown[], id: number | string) => ({
  jsonrpc: '2.0',
  id,
  method,
  params,
})

type Target = { name: string; url: string; proc: ChildProcess; stop: () => Promise<void> }

async function startSPN(dir: string, senders: Address[]): Promise<Target> {
  const alloc: Record<string, { balance: string }> = {}
  for (const s of senders) alloc[s] = { balance: (10n ** 21n).toString() }
  const cfg = join(dir, 'spn.json')
  writeFileSync(
    cfg,
    JSON.stringify({
      chainId: CHAIN_ID,
      dataDir: join(dir, 'data'),
      blockTimeMs: Number(values['block-time']),
      blockGasLimit: values['gas-limit'],
      executor: values.executor,
      ...(values.commit ? { commit: values.commit } : {}),
      alloc,
      logLevel: process.env.SPN_LOG_LEVEL ?? 'warn',
      mempool: { maxSize: Math.max(50_000, N * 2) },
      ...(process.env.SPN_HISTORY ? { history: { blocks: Number(process.env.SPN_HISTORY) } } : {}),
    }),
  )
  const proc = spawn(
    process.execPath,
    [
      // SPN_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the node under the workload.
      ...(process.env.SPN_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      // The node as users run it: the built bin (`npm run bench:spn` builds first).
      join(root, 'packages/spn/dist/bin.js'),
      '--config',
      cfg,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const url = await readyUrl(proc)
  return { name: 'spn', url, proc, stop: () => kill(proc) }
}

async function startAnvil(senders: Address[]): Promise<Target> {
  const bin = join(root, 'node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil')
  // Interval mining like ours (anvil's --block-time takes whole seconds): automine mines one block per
  // transaction and has hung on large batches here.
  const blockSeconds = String(Math.max(1, Math.round(Number(values['block-time']) / 1000)))
  const args = [
    '--port',
    '0',
    '--chain-id',
    String(CHAIN_ID),
    '--gas-limit',
    values['gas-limit'],
    '--block-time',
    blockSeconds,
  ]
  const proc = spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    proc.once('exit', (c) => reject(new Error(`anvil exited ${c}`)))
    let out = ''
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = out.match(/Listening on (\S+)/)
      if (m) resolve(`http://${m[1]}`)
    })
  })
  await rpc(
    url,
    senders.map((s, i) => req('anvil_setBalance', [s, `0x${(10n ** 21n).toString(16)}`], i)),
  )
  return { name: 'anvil', url, proc, stop: () => kill(proc) }
}

async function kill(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return
  const exited = new Promise((r) => proc.once('exit', r))
  process.kill(proc.pid!, 'SIGTERM')
  const t = setTimeout(() => proc.pid && process.kill(proc.pid, 'SIGKILL'), 5000)
  await exited
  clearTimeout(t)
}

async function waitReceipt(url: string, hash: Hex, timeoutMs = 60_000): Promise<Json> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const r = await one(url, 'eth_getTransactionReceipt', [hash])
    if (r) return r
    if (Date.now() > end) throw new Error(`no receipt for ${hash}`)
    await new Promise((res) => setTimeout(res, 50))
  }
}

/** CPU seconds (user + system, all threads) the process has used so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0
}

async function run(t: Target, abi: Abi, bytecode: Hex, keys: Hex[]): Promise<Record<string, number>> {
  const deployer = devAccounts(1)[0]!
  const fee = { maxFeePerGas: 100n * 10n ** 9n, maxPriorityFeePerGas: 10n ** 9n }
  // Deploy the token and give every sender tokens (setup, not measured).
  const deployHash = await one(t.url, 'eth_sendRawTransaction', [
    signTx(
      {
        type: 'eip1559',
        chainId: CHAIN_ID,
        nonce: Number(await one(t.url, 'eth_getTransactionCount', [deployer.address, 'pending'])),
        gas: 2_000_000n,
        data: encodeDeployData({ abi, bytecode, args: ['Bench', 'BEN', 10n ** 30n] }),
        ...fee,
      },
      deployer.privateKey,
    ),
  ])
  const token = (await waitReceipt(t.url, deployHash)).contractAddress as Address
  const baseNonce = Number(await one(t.url, 'eth_getTransactionCount', [deployer.address, 'pending']))
  const funding = keys.map((k, i) =>
    signTx(
      {
        type: 'eip1559',
        chainId: CHAIN_ID,
        nonce: baseNonce + i,
        gas: 100_000n,
        to: token,
        data: encodeFunctionData({
          abi,
          functionName: 'transfer',
          args: [privateKeyToAddress(k), 10n ** 24n],
        }),
        ...fee,
      },
      deployer.privateKey,
    ),
  )
  for (let i = 0; i < funding.length; i += 60) {
    const r = await rpc(
      t.url,
      funding.slice(i, i + 60).map((raw, j) => req('eth_sendRawTransaction', [raw], j)),
    )
    for (const x of r) if (x.error) throw new Error(`funding: ${x.error.message}`)
  }
  await waitReceipt(t.url, keccak256(funding[funding.length - 1]!))

  // Pre-sign transfers, round-robin over senders (nonce order within each sender); `first` numbers the
  // recipients of `fresh`, so no two rounds pay the same address.
  const nonces = keys.map(() => 0)
  const presign = (count: number, first: number) => {
    const txs: Hex[] = []
    const lastOfSender: Hex[] = []
    while (txs.length < count)
      for (const [i, k] of keys.entries()) {
        if (txs.length >= count) break
        const raw = signTx(
          {
            type: 'eip1559',
            chainId: CHAIN_ID,
            nonce: nonces[i]!++,
            gas: 60_000n,
            to: token,
            data: encodeFunctionData({
              abi,
              functionName: 'transfer',
              args: [recipient(first + txs.length, i, keys), 1n],
            }),
            ...fee,
          },
          k,
        )
        txs.push(raw)
        lastOfSender[i] = keccak256(raw)
      }
    return { txs, lastOfSender: lastOfSender.filter(Boolean) }
  }
  const post = async (txs: readonly Hex[], onSent?: (slice: readonly Hex[], at: number) => void) => {
    let next = 0
    let rejected = 0
    const worker = async () => {
      while (next < txs.length) {
        const slice = txs.slice(next, next + BATCH)
        next += BATCH
        onSent?.(slice, performance.now())
        const r = await rpc(
          t.url,
          slice.map((raw, j) => req('eth_sendRawTransaction', [raw], j)),
        )
        for (const x of r) if (x.error) rejected++
      }
    }
    await Promise.all(Array.from({ length: INFLIGHT }, worker))
    return rejected
  }
  const allReceipts = async (hashes: readonly Hex[], timeoutMs = 120_000) => {
    const end = Date.now() + timeoutMs
    for (;;) {
      const r = await rpc(
        t.url,
        hashes.map((h, i) => req('eth_getTransactionReceipt', [h], i)),
      )
      const missing = r.filter((x: Json) => !x.result).length
      if (missing === 0) return
      if (Date.now() > end)
        throw new Error(`${missing} of ${hashes.length} receipts missing after ${timeoutMs} ms`)
      await new Promise((res) => setTimeout(res, 20))
    }
  }

  // Unmeasured warm-up round through the same path (RPC, mempool, blocks, receipts): the figure is the
  // sustained rate of a node that has been running, not its JIT's first seconds (--warmup 0 measures those).
  if (WARMUP > 0) {
    const warm = presign(WARMUP, 1_000_000)
    const rejected = await post(warm.txs)
    if (rejected) throw new Error(`warm-up: ${rejected} transfers rejected`)
    await allReceipts(warm.lastOfSender)
  }
  // Measured rounds of N transfers each (fresh recipients per round). A block is sealed every block time,
  // so a round's first block waits 0-1 s after its first post depending on where the round starts in the
  // block cycle; the median round (by tx/s) is reported, with the range.
  const rounds: Record<string, number>[] = []
  for (let round = 0; round < ROUNDS; round++) rounds.push(await measure(round))
  rounds.sort((a, b) => a.txPerSec! - b.txPerSec!)
  const median = rounds[Math.floor(rounds.length / 2)]!
  log(`${t.name}: tx/s per round ${rounds.map((r) => r.txPerSec!.toFixed(0)).join(', ')}`)

  async function measure(round: number): Promise<Record<string, number>> {
    const { txs, lastOfSender } = presign(N, round * N)
    const startBlock = Number(await one(t.url, 'eth_blockNumber'))

    // Measured: post in batches (INFLIGHT at a time) until every receipt is available. A poller notes
    // when each new block becomes visible over RPC (its receipts are stored with it), so a transaction's
    // receipt latency is (first time its block was seen) - (time its batch was posted).
    const cpu0 = cpuSeconds(t.proc.pid!)
    const t0 = performance.now()
    const submittedAt = new Map<Hex, number>()
    const blockSeenAt = new Map<number, number>()
    let polling = true
    const poller = (async () => {
      let last = startBlock
      while (polling) {
        const n = Number(await one(t.url, 'eth_blockNumber'))
        const now = performance.now()
        for (let b = last + 1; b <= n; b++) blockSeenAt.set(b, now)
        last = Math.max(last, n)
        await new Promise((res) => setTimeout(res, 10))
      }
    })()
    const rejected = await post(txs, (slice, at) => {
      for (const raw of slice) submittedAt.set(keccak256(raw), at)
    })
    const tAccepted = performance.now()
    await allReceipts(lastOfSender)
    const elapsed = (performance.now() - t0) / 1000
    const cpu = cpuSeconds(t.proc.pid!) - cpu0
    polling = false
    await poller
    const endBlock = Number(await one(t.url, 'eth_blockNumber'))
    // Count what the blocks hold (every tx of the workload must be there).
    const blocks = await rpc(
      t.url,
      Array.from({ length: endBlock - startBlock }, (_, i) =>
        req('eth_getBlockTransactionCountByNumber', [`0x${(startBlock + 1 + i).toString(16)}`], i),
      ),
    )
    const included = blocks.reduce((a: number, b: Json) => a + Number(b.result ?? 0), 0)
    const usedBlocks = blocks.filter((b: Json) => Number(b.result) > 0).length
    const receiptLat: number[] = []
    for (let b = startBlock + 1; b <= endBlock; b++) {
      const seen = blockSeenAt.get(b)
      if (seen === undefined) continue
      const block = await one(t.url, 'eth_getBlockByNumber', [`0x${b.toString(16)}`, false])
      for (const h of block.transactions as Hex[]) {
        const sent = submittedAt.get(h)
        if (sent !== undefined) receiptLat.push(seen - sent)
      }
    }
    return {
      txs: N,
      rejected,
      included,
      seconds: elapsed,
      acceptSeconds: (tAccepted - t0) / 1000,
      txPerSec: N / elapsed,
      cpuSeconds: cpu,
      txPerCpuSec: N / cpu,
      blocks: endBlock - startBlock,
      blocksWithTxs: usedBlocks,
      blockTimeMs: (elapsed * 1000) / Math.max(1, endBlock - startBlock),
      receiptP50Ms: pct(receiptLat, 50),
      receiptP99Ms: pct(receiptLat, 99),
    }
  }

  // eth_call latency (sequential, keep-alive), balanceOf on the token.
  const data = encodeFunctionData({ abi, functionName: 'balanceOf', args: [deployer.address] })
  const lat: number[] = []
  for (let i = 0; i < CALLS; i++) {
    const s = performance.now()
    await one(t.url, 'eth_call', [{ to: token, data }, 'latest'])
    lat.push(performance.now() - s)
  }
  return {
    ...median,
    txPerSecMin: rounds[0]!.txPerSec!,
    txPerSecMax: rounds[rounds.length - 1]!.txPerSec!,
    callP50Ms: pct(lat, 50),
    callP99Ms: pct(lat, 99),
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'spn-bench-'))
  const keys = Array.from({ length: S }, (_, i) => keccak256(`0x${(i + 1).toString(16).padStart(64, '0')}`))
  const senders = keys.map((k) => privateKeyToAddress(k).toLowerCase() as Address)
  log('compiling Token.sol ...')
  const Token = (await compileSolidityFile(join(root, 'examples/contracts/Token.sol'))).contracts.Token!
  const results: Record<string, Record<string, number>> = {}
  const targets: (() => Promise<Target>)[] = [() => startSPN(dir, senders)]
  if (!values['no-anvil']) targets.push(() => startAnvil(senders))
  try {
    for (const start of targets) {
      const t = await start()
      log(`running ${t.name} (${N} transfers from ${S} senders, batches of ${BATCH}) ...`)
      try {
        results[t.name] = await run(t, Token.abi, Token.bytecode, keys)
      } catch (err) {
        // One target failing (anvil has hung on large automine batches here) still reports the other.
        log(`${t.name} failed: ${(err as Error).message}`)
      } finally {
        await t.stop()
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const cols = [
    'txPerSec',
    'txPerSecMin',
    'txPerSecMax',
    'txPerCpuSec',
    'cpuSeconds',
    'seconds',
    'acceptSeconds',
    'blocks',
    'blockTimeMs',
    'receiptP50Ms',
    'receiptP99Ms',
    'included',
    'rejected',
    'callP50Ms',
    'callP99Ms',
  ]
  const lines = [
    `SPN end-to-end benchmark: median of ${ROUNDS} rounds of ${N} ERC20 transfers after ${WARMUP} unmeasured warm-up transfers, ${S} senders, ${values.recipients} recipients, JSON-RPC batches of ${BATCH} (${INFLIGHT} in flight), block time ${values['block-time']} ms, block gas limit ${values['gas-limit']}, ${values.executor} executor, ${values.commit ?? 'default'} commits; anvil with ${Math.max(1, Math.round(Number(values['block-time']) / 1000))} s blocks; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    ...comparisonTable(results, cols, 14),
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  if (values.json) {
    const ratio = results.anvil && results.spn ? results.spn.txPerSec! / results.anvil.txPerSec! : null
    process.stdout.write(
      `${JSON.stringify({ bench: 'spn', txs: N, senders: S, blockTimeMs: Number(values['block-time']), gasLimit: values['gas-limit'], loadAverage: loadavg(), results, spnToAnvilTxPerSec: ratio })}\n`,
    )
  }
}

const entry =
  values.mode === 'user'
    ? () =>
        runUserMode({
          root,
          txs: N,
          senders: S,
          batch: BATCH,
          inflight: INFLIGHT,
          json: values.json,
          workload,
          cpuProfDir: values['cpu-prof'],
          anvilBlockTime: values['anvil-block-time'],
          noAnvil: values['no-anvil'],
          readWorkers: values['read-workers'],
          commit: values.commit,
          workers: values.workers,
          warmup: WARMUP,
        })
    : main
entry().catch((err) => {
  log(String(err?.stack ?? err))
  process.exit(1)
})
