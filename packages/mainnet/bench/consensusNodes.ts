// `npm run bench:consensus`: BFT main net with real validator processes over libp2p on 127.0.0.1.
// For 1, 4 and 7 validators, with empty blocks and with 1,000-transaction blocks (pre-signed transfers
// spread over the validators' RPC, reaching every pool by tx gossip): proposal-to-commit latency p50/p95
// and blocks per second, plus offline verification time of the certificates the nodes produced.
// A passive libp2p observer timestamps each proposal and each committed header as it arrives (both one
// gossip hop away, so the hop cancels out). Prints a table; `--json` one object on the last line.
// Options: --validators 1,4,7  --heights 12 (empty runs)  --tx-heights 6  --txs 1000  --block-time 500  --source
//   --workloads empty,tx  --profile <dir> (validator 1's `--cpu-prof`, stopped by SIGTERM)  --log-dir <dir> (stderr at info)
import '@rollup-mesh/core/polyfill'
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  decodeCommitCertificate,
  decodeConsensusMessage,
  verifyCommitCertificate,
} from '@rollup-mesh/consensus'
import { devAccounts, MAINNET_NETWORK } from '@rollup-mesh/core'
import { createP2P } from '@rollup-mesh/p2p'
import { type Hex, hexToBytes } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { blsSeedOf, genesisValidatorOf, validatorSetOfConfig } from '../src/consensus/validatorKeys.js'

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    validators: { type: 'string', default: '1,4,7' },
    heights: { type: 'string', default: '12' },
    'tx-heights': { type: 'string', default: '6' },
    txs: { type: 'string', default: '1000' },
    'block-time': { type: 'string', default: '500' },
    source: { type: 'boolean', default: false },
    workloads: { type: 'string', default: 'empty,tx' },
    profile: { type: 'string' },
    'log-dir': { type: 'string' },
  },
})
const WORKLOADS = new Set((values.workloads as string).split(','))
const PROFILE_DIR = values.profile as string | undefined
const LOG_DIR = values['log-dir'] as string | undefined
const COUNTS = (values.validators as string).split(',').map(Number)
const HEIGHTS = Number(values.heights)
const TX_HEIGHTS = Number(values['tx-heights'])
const TXS_PER_BLOCK = Number(values.txs)
const BLOCK_TIME = Number(values['block-time'])
const CHAIN_ID = 900
const SENDERS = 500
const root = fileURLToPath(new URL('../../..', import.meta.url))
// The built node (as `mesh up` runs it; rebuild with `npm run build -w @rollup-mesh/mainnet`), or with
// `--source` the TypeScript source through tsx (slower to start).
const distBin = join(root, 'packages/mainnet/dist/bin.js')
const fromSource = values.source === true || !existsSync(distBin)
const nodeArgs = fromSource
  ? ['--import', 'tsx', '--conditions', 'source', join(root, 'packages/mainnet/src/bin.ts')]
  : [distBin]
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`)
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

type Proc = { proc: ChildProcess; rpcUrl: string; multiaddrs: string[] }

async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await res.json()) as { result?: T; error?: { message: string } }
  if (body.error) throw new Error(`${method}: ${body.error.message}`)
  return body.result as T
}

function startNode(
  config: Record<string, unknown>,
  dir: string,
  extra: { profile?: string; log?: string } = {},
): Promise<Proc> {
  const file = join(dir, `node-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(file, JSON.stringify(extra.log ? { ...config, logLevel: 'info' } : config))
  const prof = extra.profile ? ['--cpu-prof', '--cpu-prof-dir', extra.profile] : []
  const proc = spawn(process.execPath, [...prof, ...nodeArgs, '--config', file], {
    cwd: root,
    stdio: ['ignore', 'pipe', extra.log ? openSync(extra.log, 'w') : 'ignore'],
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('validator not ready in 120 s')), 120_000)
    proc.once('exit', (code) => reject(new Error(`validator exited (${code})`)))
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      try {
        const m = JSON.parse(line) as { event?: string; rpcUrl: string; multiaddrs: string[] }
        if (m.event === 'ready') {
          clearTimeout(timer)
          proc.removeAllListeners('exit')
          resolve({ proc, rpcUrl: m.rpcUrl, multiaddrs: m.multiaddrs })
        }
      } catch {
        // a log line
      }
    })
  })
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? (s[Math.min(s.length - 1, Math.floor(q * s.length))] as number) : Number.NaN
}

/** The transfers' senders: dev accounts 20… (derived once here, funded in genesis by address). */
const SENDER_ACCOUNTS = devAccounts(20 + SENDERS).slice(20)
const SENDER_ALLOC = Object.fromEntries(
  SENDER_ACCOUNTS.map((a) => [a.address, { balance: (10n ** 22n).toString() }]),
)

/** Transfers from the `SENDERS` accounts, signed once and reused by every run (fresh chains). */
async function presign(count: number): Promise<Hex[]> {
  const accounts = SENDER_ACCOUNTS
  const perSender = Math.ceil(count / SENDERS)
  const out: Hex[] = []
  for (let nonce = 0; nonce < perSender; nonce++)
    for (const a of accounts) {
      if (out.length >= count) break
      const account = privateKeyToAccount(a.privateKey as Hex)
      out.push(
        await account.signTransaction({
          chainId: CHAIN_ID,
          type: 'eip1559',
          nonce,
          to: '0x00000000000000000000000000000000000be7c4',
          value: 1n,
          gas: 21_000n,
          maxFeePerGas: 10n ** 11n,
          maxPriorityFeePerGas: 1n,
        }),
      )
    }
  return out
}

type Row = {
  validators: number
  workload: string
  heights: number
  txsPerBlock: number
  p50Ms: number
  p95Ms: number
  blocksPerS: number
  certVerifyMs: number
}

async function run(n: number, txs: Hex[] | null): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-consensus-'))
  const keys = devAccounts(n).map((a) => a.privateKey as Hex)
  const validators = keys.map((k) => genesisValidatorOf(k))
  const set = validatorSetOfConfig(validators)
  const procs: Proc[] = []
  const observer = await createP2P({
    subscriptions: [{ network: MAINNET_NETWORK, kinds: ['proposals', 'headers'] }],
  })
  try {
    for (const [i, key] of keys.entries()) {
      const dataDir = join(dir, `v${i}`)
      procs.push(
        await startNode(
          {
            dataDir,
            chainId: CHAIN_ID,
            validatorKey: key,
            blockTimeMs: BLOCK_TIME,
            genesisTimestamp: 1_700_000_000,
            governance: validators[0]?.address,
            // the senders funded by address: 520 dev accounts cost each validator ~40 s of start-up (loaded)
            // deriving them from the mnemonic one by one
            alloc: SENDER_ALLOC,
            maxTxsPerBlock: TXS_PER_BLOCK,
            logLevel: 'warn',
            ...(n > 1 ? { consensus: { validators, blsSeed: blsSeedOf(key) } } : {}),
            p2p: { bootstrap: procs.flatMap((p) => p.multiaddrs) },
          },
          dir,
          {
            ...(PROFILE_DIR && i === Math.min(1, n - 1) ? { profile: PROFILE_DIR } : {}),
            ...(LOG_DIR ? { log: join(LOG_DIR, `${n}v-${txs ? 'tx' : 'empty'}-v${i}.log`) } : {}),
          },
        ),
      )
    }
    await observer.start()
    for (const p of procs) await observer.dial(p.multiaddrs[0] as string)
    // first arrival of each (height, round) proposal; the highest round seen is the one that commits
    const proposed = new Map<string, number>()
    const lastRound = new Map<number, number>()
    const committed = new Map<number, number>()
    observer.on('message', (m) => {
      const now = performance.now()
      if (m.kind === 'proposals') {
        const msg = decodeConsensusMessage(m.envelope.proposal)
        if (msg.kind === 'proposal') {
          const { height, round } = msg.proposal
          const key = `${height}:${round}`
          if (!proposed.has(key)) proposed.set(key, now)
          if (round >= (lastRound.get(height) ?? -1)) lastRound.set(height, round)
        }
      } else if (m.kind === 'headers') {
        const h = Number(m.header.number)
        if (!committed.has(h)) committed.set(h, now)
      }
    })
    const head = async () => Number(await rpc<Hex>(procs[0]!.rpcUrl, 'eth_blockNumber'))
    while ((await head()) < 2) await sleep(200)
    if (txs) {
      // spread over the validators, in batches (the RPC's batch limit is 2,000)
      const batch = 250
      await Promise.all(
        procs.map(async (p, i) => {
          const mine = txs.filter((_, j) => j % procs.length === i)
          for (let k = 0; k < mine.length; k += batch) {
            const body = mine
              .slice(k, k + batch)
              .map((raw, id) => ({ jsonrpc: '2.0', id, method: 'eth_sendRawTransaction', params: [raw] }))
            await fetch(p.rpcUrl, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body),
            })
          }
        }),
      )
    }
    const from = await head()
    const startedAt = performance.now()
    const heights = txs ? TX_HEIGHTS : HEIGHTS
    const to = from + heights
    while ((await head()) < to) await sleep(100)
    const elapsedS = (performance.now() - startedAt) / 1000
    const latencies: number[] = []
    const verifyMs: number[] = []
    let txCount = 0
    for (let h = from + 1; h <= to; h++) {
      const p = proposed.get(`${h}:${lastRound.get(h)}`)
      const c = committed.get(h)
      if (p !== undefined && c !== undefined && c >= p) latencies.push(c - p)
      const commit = await rpc<{ hash: Hex; certificate: Hex }>(procs[0]!.rpcUrl, 'mesh_getCommit', [
        `0x${h.toString(16)}`,
      ])
      const t = performance.now()
      verifyCommitCertificate(decodeCommitCertificate(hexToBytes(commit.certificate)), set, {
        chainId: CHAIN_ID,
        height: h,
        blockHash: commit.hash,
      })
      verifyMs.push(performance.now() - t)
      const b = await rpc<{ transactions: unknown[] }>(procs[0]!.rpcUrl, 'eth_getBlockByNumber', [
        `0x${h.toString(16)}`,
        false,
      ])
      txCount += b.transactions.length
    }
    return {
      validators: n,
      workload: txs ? `${TXS_PER_BLOCK}-tx blocks` : 'empty blocks',
      heights,
      txsPerBlock: Math.round(txCount / heights),
      p50Ms: quantile(latencies, 0.5),
      p95Ms: quantile(latencies, 0.95),
      blocksPerS: heights / elapsedS,
      certVerifyMs: quantile(verifyMs, 0.5),
    }
  } finally {
    await observer.stop().catch(() => undefined)
    // a profiled validator must exit by itself to write its profile
    const exits = procs.map((p) => new Promise((r) => p.proc.once('exit', r)))
    for (const p of procs) p.proc.kill(PROFILE_DIR ? 'SIGTERM' : 'SIGKILL')
    await Promise.race([Promise.all(exits), sleep(PROFILE_DIR ? 15_000 : 500)])
    for (const p of procs) if (p.proc.exitCode === null) p.proc.kill('SIGKILL')
    await sleep(500)
    rmSync(dir, { recursive: true, force: true })
  }
}

const rows: Row[] = []
for (const d of [PROFILE_DIR, LOG_DIR]) if (d) mkdirSync(d, { recursive: true })
// enough for the blocks sealed while they are being submitted, then `TX_HEIGHTS` full blocks
const signed =
  TXS_PER_BLOCK > 0 && WORKLOADS.has('tx') ? await presign(TXS_PER_BLOCK * (TX_HEIGHTS + 4)) : null
for (const n of COUNTS) {
  if (WORKLOADS.has('empty')) {
    log(`${n} validator(s), empty blocks`)
    rows.push(await run(n, null))
    log(JSON.stringify(rows.at(-1)))
  }
  if (signed) {
    log(`${n} validator(s), ${TXS_PER_BLOCK}-transaction blocks`)
    rows.push(await run(n, signed))
    log(JSON.stringify(rows.at(-1)))
  }
}
const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '-')
const out = process.stdout
out.write(
  `\nBFT main net, real validator processes (${fromSource ? 'from source' : 'built'}; block time ${BLOCK_TIME} ms; ${HEIGHTS} heights per empty run, ${TX_HEIGHTS} per tx run)\n`,
)
out.write('validators  workload            txs/block  p50 ms  p95 ms  blocks/s  cert verify ms\n')
for (const r of rows)
  out.write(
    `${String(r.validators).padStart(10)}  ${r.workload.padEnd(18)}  ${String(r.txsPerBlock).padStart(9)}  ${fmt(r.p50Ms).padStart(6)}  ${fmt(r.p95Ms).padStart(6)}  ${fmt(r.blocksPerS, 2).padStart(8)}  ${fmt(r.certVerifyMs, 2).padStart(14)}\n`,
  )
if (values.json) out.write(`${JSON.stringify({ blockTimeMs: BLOCK_TIME, fromSource, rows })}\n`)
process.exit(0)
