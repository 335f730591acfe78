/**
 * Parallel executor throughput against the serial executor, in one run:
 *
 *   workload × { serial, parallel with W workers } → tx/s, speedup, re-executions,
 *   plus the ceiling: W independent warm processes, each with its own EVM and
 *   state and a share of independent transfers, no coordination at all. No
 *   parallel executor can beat it, so our speedup is also given as a fraction of it.
 *
 *   npm run bench:parallel -w @rollup-mesh/dual-vm [-- --json] [-- --txs 2000] [-- --workers 2,4]
 *     [-- --only erc20-evm,token-wasm] [-- --caller-weight auto|0|0.5]
 *
 * Every configuration runs warm-up blocks first (JIT, worker replicas) and then
 * `--blocks` measured blocks on one evolving chain (fresh recipients per block).
 *
 * On a machine without our Node.js or node_modules (the lent 16-core device): `npm run
 * bench:parallel:device -w @rollup-mesh/dual-vm` writes `.device/` (this benchmark, its worker and the
 * WASM engine bundled with esbuild, the example contracts compiled to JSON, this machine's `node`
 * compressed with xz, and `run.sh`); carry `.device` and run `sh .device/run.sh --workers 2,4,8,12,16`.
 */
import '@rollup-mesh/core/polyfill'
import { type ChildProcess, fork } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { ExecutableTx, Executor } from '@rollup-mesh/core'
import { type Address, encodeFunctionData, getContractAddress } from 'viem'
import { createParallelExecutor, createSerialExecutor, type ParallelExecutor } from '../src/index.js'
import {
  type CompiledExamples,
  compileExamples,
  header,
  senderAddress,
  WASM_ENGINE_SOURCE,
  Workload,
} from '../test/unit/parallel/workload.js'

const args = process.argv.slice(2)
const FROM_SOURCE = import.meta.url.endsWith('.ts')
/** The WASM engine the workers load: the source module, or the device bundle's (BENCH_WASM_ENGINE, a path). */
const wasmEngineSource = process.env.BENCH_WASM_ENGINE
  ? { ...WASM_ENGINE_SOURCE, module: pathToFileURL(process.env.BENCH_WASM_ENGINE).href }
  : WASM_ENGINE_SOURCE
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(name)
  return i >= 0 ? (args[i + 1] as string) : fallback
}
const json = args.includes('--json')
const TXS = Number(arg('--txs', '2000'))
const BLOCKS = Number(arg('--blocks', '4'))
const WARMUP = Number(arg('--warmup', '2'))
const WORKERS = arg('--workers', [2, 4].join(',')).split(',').map(Number)
const ONLY = arg('--only', '')
/**
 * The calling thread's share (`callerWeight`) per entry of `--workers` (the last one repeats): 'auto', or a
 * number (0: it only validates and commits), e.g. `--workers 2,3 --caller-weight auto,0`.
 */
const CALLER_WEIGHTS = arg('--caller-weight', 'auto').split(',')
const callerWeightOf = (i: number): number | 'auto' => {
  const w = CALLER_WEIGHTS[Math.min(i, CALLER_WEIGHTS.length - 1)] ?? 'auto'
  return w === 'auto' ? 'auto' : Number(w)
}

type WorkloadName = 'erc20-evm' | 'token-wasm' | 'mixed-crossvm' | 'hotspot-10' | 'conflict-100'
const WORKLOADS: WorkloadName[] = ['erc20-evm', 'token-wasm', 'mixed-crossvm', 'hotspot-10', 'conflict-100']

let recipient = 0x10_000_000
const freshRecipient = () => senderAddress(++recipient)

/** One block of `n` transactions of the given workload (one per sender, so nonces never chain). */
function makeBlock(w: Workload, name: WorkloadName, n: number): ExecutableTx[] {
  const txs: ExecutableTx[] = []
  for (let i = 0; i < n; i++) {
    const from = w.senders[i] as Address
    switch (name) {
      case 'erc20-evm':
        txs.push(w.erc20(from, freshRecipient(), 1n))
        break
      case 'token-wasm':
        txs.push(w.erc20(from, freshRecipient(), 1n, w.wasmToken))
        break
      case 'mixed-crossvm': {
        const kind = i % 3
        if (kind === 0) txs.push(w.erc20(from, freshRecipient(), 1n))
        else if (kind === 1) txs.push(w.erc20(from, freshRecipient(), 1n, w.wasmToken))
        else
          txs.push(
            w.tx(from, {
              to: w.evmCaller ?? null,
              data: encodeFunctionData({
                abi: w.compiled.caller.abi,
                functionName: 'addOn',
                args: [w.wasmCounters[(i / 3) | 0] as Address, 1n],
              }),
              gas: 300_000n,
            }),
          )
        break
      }
      case 'hotspot-10':
        txs.push(i % 10 === 0 ? w.increment(from) : w.erc20(from, freshRecipient(), 1n))
        break
      case 'conflict-100':
        txs.push(w.increment(from))
        break
    }
  }
  return txs
}

/** One block on the evolving chain: its wall time and re-executions. */
async function runBlock(w: Workload, executor: Executor, name: WorkloadName) {
  const txs = makeBlock(w, name, TXS)
  const started = performance.now()
  const cpu = process.cpuUsage()
  const elu = performance.eventLoopUtilization()
  const result = await executor.executeBlock({ header: header(w.number), txs }, w.state)
  const ms = performance.now() - started
  const used = process.cpuUsage(cpu)
  const mainMs = performance.eventLoopUtilization(elu).active
  if (result.skipped.length > 0) throw new Error(`${name}: skipped ${result.skipped[0]?.reason}`)
  const failed = result.receipts.find((r) => r.status !== 1)
  if (failed)
    throw new Error(
      `${name}: transaction ${failed.transactionIndex} to ${failed.to} reverted: ${failed.revertData}`,
    )
  w.state.apply(result.writeSet)
  w.number++
  const stats = (executor as Partial<ParallelExecutor>).stats
  if (process.env.BENCH_DEBUG)
    process.stderr.write(
      `${name} ${ms.toFixed(0)}ms cpu ${((used.user + used.system) / 1000).toFixed(0)}ms main ${mainMs.toFixed(0)}ms ${JSON.stringify(stats ?? {})}\n`,
    )
  return { ms, reExecuted: stats?.reExecuted ?? 0 }
}

/**
 * Serial and every pool size take turns block by block (warm-up rounds first),
 * so a burst of load from other processes hits all of them alike. Each runs its
 * own chain (identical setup and block shapes): an executor only sees the blocks
 * it executed itself, as in a node, so its workers' replicas stay warm.
 */
async function measureRound(runs: Map<string, { w: Workload; executor: Executor }>, name: WorkloadName) {
  const totals = new Map<string, { ms: number; reExecuted: number }>()
  for (let b = 0; b < WARMUP + BLOCKS; b++) {
    for (const [key, { w, executor }] of runs) {
      const r = await runBlock(w, executor, name)
      if (b < WARMUP) continue
      const t = totals.get(key) ?? { ms: 0, reExecuted: 0 }
      t.ms += r.ms
      t.reExecuted += r.reExecuted
      totals.set(key, t)
    }
  }
  return new Map(
    [...totals].map(([key, t]) => [
      key,
      { tps: (TXS * BLOCKS * 1000) / t.ms, reExecuted: t.reExecuted / BLOCKS },
    ]),
  )
}

async function setup(compiled: CompiledExamples, senders: number, wasmCounters: number): Promise<Workload> {
  const w = await Workload.create({ senders, counters: 1, compiled })
  // One WASM counter per cross-VM transaction of a block, so the mixed workload stays independent.
  const owner = w.senders[0] as Address
  const wasm = compiled.wasm
  if (wasm && wasmCounters > 0) {
    const deploys: ExecutableTx[] = []
    for (let i = 0; i < wasmCounters; i++) {
      const nonce = w.nonces.get(owner) ?? w.state.getAccount(owner)?.nonce ?? 0n
      deploys.push(w.tx(owner, { data: wasm.counter.bytecode, gas: 8_000_000n }))
      w.wasmCounters.push(getContractAddress({ from: owner, nonce }).toLowerCase() as Address)
    }
    for (let i = 0; i < deploys.length; i += 100) {
      const result = await w.commitSerial(deploys.slice(i, i + 100))
      const failed = result.receipts.find((r) => r.status !== 1)
      if (failed)
        throw new Error(`WASM counter deployment failed: ${failed.revertData} gas ${failed.gasUsed}`)
    }
  }
  w.resetNonces()
  return w
}

/** Debug aid: a CPU profile of the calling thread (BENCH_PROFILE=path-prefix). */
async function startProfile(): Promise<(file: string) => Promise<void>> {
  const { Session } = await import('node:inspector/promises')
  const { writeFile } = await import('node:fs/promises')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  return async (file) => {
    const { profile } = await session.post('Profiler.stop')
    await writeFile(file, JSON.stringify(profile))
    session.disconnect()
  }
}

// --- the ceiling: W forked processes, each a serial executor on its own chain ---

/** Workloads the ceiling is measured for (independent transfers on each VM). */
const CEILING_WORKLOADS = ['erc20-evm', 'token-wasm'] as const
type CeilingWorkload = (typeof CEILING_WORKLOADS)[number]
type CeilingRequest = { compiled: CompiledExamples; share: number; workload: CeilingWorkload }
type CeilingReply = { type: 'ready' } | { type: 'done'; ms: number }

async function ceilingChild(): Promise<void> {
  const send = (m: CeilingReply) => process.send?.(m)
  const request = await new Promise<CeilingRequest>((resolve) => process.once('message', resolve))
  const w = await setup(request.compiled, request.share, 0)
  const executor = createSerialExecutor({ wasm: w.engine })
  const run = async () => {
    const txs = makeBlock(w, request.workload, request.share)
    const result = await executor.executeBlock({ header: header(w.number), txs }, w.state)
    w.state.apply(result.writeSet)
    w.number++
  }
  for (let b = 0; b < WARMUP; b++) await run()
  send({ type: 'ready' })
  await new Promise((resolve) => process.once('message', resolve))
  const started = performance.now()
  for (let b = 0; b < BLOCKS; b++) await run()
  send({ type: 'done', ms: performance.now() - started })
  process.disconnect()
}

async function ceiling(
  compiled: CompiledExamples,
  workers: number,
  workload: CeilingWorkload,
): Promise<number> {
  const share = Math.ceil(TXS / workers)
  const children: ChildProcess[] = []
  try {
    for (let i = 0; i < workers; i++)
      children.push(
        fork(fileURLToPath(import.meta.url), ['--ceiling-child', ...args], {
          // From TypeScript through tsx; the device bundle runs as plain JavaScript.
          execArgv: FROM_SOURCE ? ['--import', 'tsx', '--conditions', 'source'] : [],
        }),
      )
    const next = (child: ChildProcess) =>
      new Promise<CeilingReply>((resolve, reject) => {
        child.once('message', (m) => resolve(m as CeilingReply))
        child.once('exit', (code) => reject(new Error(`ceiling child exited with ${code}`)))
      })
    const ready = children.map(next)
    for (const child of children) child.send({ compiled, share, workload } satisfies CeilingRequest)
    await Promise.all(ready)
    const done = children.map(next)
    for (const child of children) child.send('go')
    const times = (await Promise.all(done)).map((m) => (m.type === 'done' ? m.ms : Number.NaN))
    return (share * workers * BLOCKS * 1000) / Math.max(...times)
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill()
  }
}

async function main(): Promise<void> {
  const compiled = await examples()
  const selected = ONLY ? WORKLOADS.filter((n) => ONLY.split(',').includes(n)) : WORKLOADS
  const rows: {
    workload: string
    serial: number
    parallel: Record<number, { tps: number; speedup: number; reExecuted: number }>
  }[] = []
  const ceilings: Record<string, Record<number, { tps: number; speedup: number }>> = {}
  const log = (line: string) => {
    if (!json) process.stderr.write(`${line}\n`)
  }
  log(`setting up ${TXS} senders (EVM + WASM tokens, ${Math.ceil(TXS / 3)} WASM counters)...`)
  const serialChain = await setup(compiled, TXS, Math.ceil(TXS / 3))
  const executors = new Map<number, ParallelExecutor>()
  const all = new Map<string, { w: Workload; executor: Executor }>([
    ['serial', { w: serialChain, executor: createSerialExecutor({ wasm: serialChain.engine }) }],
  ])
  for (const [i, n] of WORKERS.entries()) {
    const e = createParallelExecutor({ workers: n, wasm: wasmEngineSource, callerWeight: callerWeightOf(i) })
    await e.start()
    executors.set(n, e)
    all.set(String(n), { w: await setup(compiled, TXS, Math.ceil(TXS / 3)), executor: e })
  }
  try {
    for (const name of selected) {
      const stop = process.env.BENCH_PROFILE ? await startProfile() : undefined
      const measured = await measureRound(all, name)
      await stop?.(`${process.env.BENCH_PROFILE}-${name}.cpuprofile`)
      const s = measured.get('serial') as { tps: number }
      const row = { workload: name, serial: s.tps, parallel: {} as (typeof rows)[number]['parallel'] }
      for (const n of executors.keys()) {
        const p = measured.get(String(n)) as { tps: number; reExecuted: number }
        row.parallel[n] = { tps: p.tps, speedup: p.tps / s.tps, reExecuted: p.reExecuted }
      }
      rows.push(row)
      log(
        `${name}: serial ${s.tps.toFixed(0)} tx/s; ${Object.entries(row.parallel)
          .map(
            ([n, p]) => `${n}w ${p.tps.toFixed(0)} tx/s (${p.speedup.toFixed(2)}x, ${p.reExecuted} re-exec)`,
          )
          .join('; ')}`,
      )
    }
    // The ceilings, against serial figures taken in the same run on the same workloads.
    for (const workload of CEILING_WORKLOADS) {
      const serialRef = rows.find((r) => r.workload === workload)?.serial
      if (!serialRef) continue
      const byWorkers: Record<number, { tps: number; speedup: number }> = {}
      for (const n of WORKERS) {
        const tps = await ceiling(compiled, n, workload)
        byWorkers[n] = { tps, speedup: tps / serialRef }
        log(`ceiling ${workload} ${n}w: ${tps.toFixed(0)} tx/s (${(tps / serialRef).toFixed(2)}x)`)
      }
      ceilings[workload] = byWorkers
    }
  } finally {
    for (const e of executors.values()) await e.close()
  }

  const cores = availableParallelism()
  const header1 = [
    'workload',
    'serial tx/s',
    ...WORKERS.flatMap((n) => [`${n}w tx/s`, `${n}w speedup`, `${n}w re-exec/block`]),
  ]
  const table = rows.map((r) => [
    r.workload,
    r.serial.toFixed(0),
    ...WORKERS.flatMap((n) => {
      const p = r.parallel[n]
      return p ? [p.tps.toFixed(0), `${p.speedup.toFixed(2)}x`, p.reExecuted.toFixed(0)] : ['-', '-', '-']
    }),
  ])
  for (const [workload, byWorkers] of Object.entries(ceilings)) {
    const row = rows.find((r) => r.workload === workload)
    table.push([
      `ceiling (${workload})`,
      '',
      ...WORKERS.flatMap((n) => {
        const c = byWorkers[n]
        const ours = row?.parallel[n]
        if (!c) return ['-', '-', '-']
        return [
          c.tps.toFixed(0),
          `${c.speedup.toFixed(2)}x`,
          ours ? `ours ${((ours.speedup / c.speedup) * 100).toFixed(0)}%` : '',
        ]
      }),
    ])
  }
  if (!json) {
    const widths = header1.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] ?? '').length)))
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ')
    console.log(
      `\nparallel executor, ${TXS} tx/block, ${BLOCKS} measured blocks after ${WARMUP} warm-up, ${cores} cores`,
    )
    console.log(line(header1))
    console.log(line(widths.map((n) => '-'.repeat(n))))
    for (const r of table) console.log(line(r))
    console.log(
      '"ours N%" = our parallel speedup on that workload as a share of the ceiling speedup with as many workers.',
    )
  }
  const out = {
    txsPerBlock: TXS,
    blocks: BLOCKS,
    warmup: WARMUP,
    cores,
    rows,
    ceilings,
    fractionOfCeiling: Object.fromEntries(
      Object.entries(ceilings).map(([workload, byWorkers]) => {
        const row = rows.find((r) => r.workload === workload)
        return [
          workload,
          Object.fromEntries(
            WORKERS.map((n) => {
              const ours = row?.parallel[n]
              const c = byWorkers[n]
              return [n, ours && c ? ours.speedup / c.speedup : null]
            }),
          ),
        ]
      }),
    ),
  }
  if (json) console.log(JSON.stringify(out))
}

/** The example contracts: compiled here, or read from `--compiled FILE` (the device bundle carries no compilers). */
async function examples(): Promise<CompiledExamples> {
  const file = arg('--compiled', '')
  if (file) return JSON.parse(await readFile(file, 'utf8')) as CompiledExamples
  return compileExamples({ wasm: true })
}

if (args.includes('--save-compiled')) {
  await writeFile(arg('--save-compiled', ''), JSON.stringify(await compileExamples({ wasm: true })))
  process.exit(0)
}
if (args.includes('--ceiling-child')) await ceilingChild()
else await main()
