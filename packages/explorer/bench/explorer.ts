/**
 * The explorer's benchmark (issue 21) against a real local mesh (`mesh up`: main net + 2 SPNs, serving the
 * explorer), in headless Chromium (/usr/bin/chromium through playwright-core):
 *
 * 1. first meaningful paint: navigation start → the overview's network table shows every network's height
 *    (`performance.now()` in the page when a MutationObserver sees it), over --loads page loads;
 * 2. under load: spn1 takes --tps pre-signed ETH transfers per second (bench:spn-style JSON-RPC batches from
 *    the dev accounts, signed before the clock starts) while the overview is open; the page's main-thread
 *    long tasks (PerformanceObserver 'longtask', > 50 ms) and frame times (requestAnimationFrame deltas)
 *    are recorded over the load window.
 *
 * The load runs in two halves: the overview open, then spn1's network page (live blocks and transactions);
 * each half reports the rate offered and the rate spn1 included (its blocks' transactions over their span).
 *
 *   npm run bench -w @rollup-mesh/explorer -- [--loads 5] [--tps 2000] [--txs 12000] [--senders 10]
 *     [--inflight 16] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { devAccounts } from '@rollup-mesh/core'
import { chromium } from 'playwright-core'
import { type Hex, parseGwei } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { alive, meshUp, missingPrerequisite, nodePids, until } from '../test/browser/mesh.js'

const { values } = parseArgs({
  options: {
    loads: { type: 'string', default: '5' },
    tps: { type: 'string', default: '2000' },
    txs: { type: 'string', default: '12000' },
    inflight: { type: 'string', default: '16' },
    senders: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
  },
})
const LOADS = Number(values.loads)
const TPS = Number(values.tps)
const TXS = Number(values.txs)
const SENDERS = Number(values.senders)
const IN_FLIGHT = Number(values.inflight)
const CHROMIUM = '/usr/bin/chromium'
const log = (s: string) => {
  if (!values.json) console.error(s)
}

const missing = missingPrerequisite(CHROMIUM)
if (missing) {
  console.error(`explorer bench: cannot run: ${missing}`)
  process.exit(2)
}

/** Installed before the app: records when every network's height is shown, long tasks and frame times. */
const PROBE = `
  window.__bench = { fmp: undefined, skeleton: undefined, longTasks: [], frames: [] };
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__bench.longTasks.push([e.startTime, e.duration]) })
    .observe({ type: 'longtask', buffered: true });
  let last = performance.now();
  const frame = (t) => { window.__bench.frames.push([t, t - last]); last = t; requestAnimationFrame(frame) };
  requestAnimationFrame(frame);
  const check = () => {
    if (window.__bench.fmp !== undefined || !window.__expected) return;
    const cells = [...document.querySelectorAll('[data-testid^="height-"]')];
    if (window.__bench.skeleton === undefined && cells.length === window.__expected) window.__bench.skeleton = performance.now();
    if (cells.length === window.__expected && cells.every((c) => /^\\d+$/.test((c.textContent || '').trim())))
      window.__bench.fmp = performance.now();
  };
  // the networks the page was served with (written into it), else /mesh.json
  const embedded = () => { try { return JSON.parse(document.getElementById('mesh-discovery').textContent).networks.length } catch { return undefined } };
  document.addEventListener('DOMContentLoaded', () => {
    window.__expected = embedded();
    if (window.__expected === undefined)
      fetch('./mesh.json').then((r) => r.json()).then((m) => { window.__expected = m.networks.length; check() });
    check();
  });
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
`

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : Number.NaN
}

async function rpc(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return res.json()
}

const dir = mkdtempSync(join(tmpdir(), 'mesh-explorer-bench-'))
const dataDir = join(dir, 'data')
const up = meshUp(['--data-dir', dataDir, '--json'])
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
try {
  const ready = await until(
    () => {
      if (up.proc.exitCode !== null) throw new Error(`mesh up exited:\n${up.output()}`)
      const line = up
        .output()
        .split('\n')
        .find((l) => l.includes('"event":"ready"'))
      return line
        ? (JSON.parse(line) as { explorer: { url: string }; networks: { name: string; rpcUrl: string }[] })
        : undefined
    },
    180_000,
    'mesh up to be ready',
  )
  const url = ready.explorer.url
  const spn1 = ready.networks.find((n) => n.name === 'spn1')!.rpcUrl
  log(`mesh ready; explorer ${url}`)
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  await page.addInitScript(PROBE)

  // 1. first meaningful paint
  const fmp: number[] = []
  const stages: {
    domReady: number
    skeleton: number
    firstRpc: number
    lastNodeFirstRpc: number
    scriptKiB: number
  }[] = []
  for (let i = 0; i < LOADS; i++) {
    await page.goto('about:blank') // a real load each time (a hash-only change would not reload)
    await page.goto(`${url}#/`)
    const t = await until(
      () => page.evaluate(() => (window as unknown as { __bench: { fmp?: number } }).__bench.fmp),
      30_000,
      'the network table to fill',
    )
    // where the time goes: the app's own load, discovery, the first answer of a node
    const s = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
      const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[]
      const rpcs = res.filter((r) => r.initiatorType === 'fetch' && !r.name.endsWith('/mesh.json'))
      const scripts = res.filter((r) => r.name.endsWith('.js') && r.startTime < nav.domContentLoadedEventEnd)
      return {
        domReady: nav.domContentLoadedEventEnd,
        skeleton: (window as unknown as { __bench: { skeleton?: number } }).__bench.skeleton ?? Number.NaN,
        firstRpc: Math.min(...rpcs.map((r) => r.responseEnd)),
        // the slowest node's first answer: the table is filled when the last height arrives
        lastNodeFirstRpc: Math.max(
          ...[...new Set(rpcs.map((r) => new URL(r.name).origin))].map((o) =>
            Math.min(...rpcs.filter((r) => r.name.startsWith(o)).map((r) => r.responseEnd)),
          ),
        ),
        scriptKiB: scripts.reduce((a, r) => a + r.decodedBodySize, 0) / 1024,
      }
    })
    fmp.push(t)
    stages.push(s)
    log(
      `load ${i + 1}: network table filled ${t.toFixed(0)} ms after navigation start (DOM ready ${s.domReady.toFixed(0)}, every row painted ${s.skeleton.toFixed(0)}, first node answer ${s.firstRpc.toFixed(0)}, slowest node's first answer ${s.lastNodeFirstRpc.toFixed(0)} ms; ${s.scriptKiB.toFixed(0)} KiB of JS)`,
    )
  }

  // 2. the overview, then spn1's network page, while spn1 takes TPS transfers per second
  const call = async <T>(method: string, params: unknown[] = []) =>
    ((await rpc(spn1, { jsonrpc: '2.0', id: 1, method, params })) as { result: T }).result
  const chainId = Number(await call<Hex>('eth_chainId'))
  const senders = devAccounts(SENDERS).map((a) => privateKeyToAccount(a.privateKey))
  const nonces = await Promise.all(
    senders.map(async (s) => Number(await call<Hex>('eth_getTransactionCount', [s.address, 'pending']))),
  )
  log(`signing ${TXS} transfers from ${SENDERS} senders…`)
  const raws: Hex[] = []
  for (let n = 0; n < TXS; n++) {
    const i = n % SENDERS
    raws.push(
      await senders[i]!.signTransaction({
        type: 'eip1559',
        chainId,
        nonce: nonces[i]! + Math.floor(n / SENDERS),
        to: `0x${(0x1000 + n).toString(16).padStart(40, '0')}`,
        value: 1n,
        gas: 21_000n,
        maxFeePerGas: parseGwei('20'),
        maxPriorityFeePerGas: 1n,
      }),
    )
  }

  /** Offers `txs` to spn1 at TPS (batches of TPS/10, ten a second, at most IN_FLIGHT batches waiting). */
  const offer = async (txs: Hex[]) => {
    const started = Date.now()
    const BATCH = Math.max(1, Math.round(TPS / 10))
    let accepted = 0
    let rejected = 0
    const inFlight = new Set<Promise<void>>()
    for (let sent = 0; sent < txs.length; sent += BATCH) {
      const due = started + (sent / TPS) * 1000
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()))
      // the schedule paces the offer, unless the node falls IN_FLIGHT batches behind
      while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight)
      const batch = txs.slice(sent, sent + BATCH).map((raw, j) => ({
        jsonrpc: '2.0',
        id: j,
        method: 'eth_sendRawTransaction',
        params: [raw],
      }))
      const p: Promise<void> = rpc(spn1, batch).then(
        (replies) => {
          for (const r of replies as { error?: unknown }[]) r.error ? rejected++ : accepted++
        },
        () => {
          rejected += batch.length
        },
      )
      inFlight.add(p)
      void p.finally(() => inFlight.delete(p))
    }
    await Promise.all(inFlight)
    return { accepted, rejected, offeredTps: Math.round(txs.length / ((Date.now() - started) / 1000)) }
  }

  /** spn1's transactions per second over blocks (from, to]: what the page had to keep up with. */
  const includedTps = async (from: number, to: number) => {
    let txs = 0
    let first: number | undefined
    let last = 0
    for (let n = from + 1; n <= to; n++) {
      const b = await call<{ timestamp: Hex; transactions: unknown[] }>('eth_getBlockByNumber', [
        `0x${n.toString(16)}`,
        false,
      ])
      txs += b.transactions.length
      first ??= Number(b.timestamp)
      last = Number(b.timestamp)
    }
    const span = Math.max(1, last - (first ?? last) + 1)
    return { txs, tps: Math.round(txs / span), blocks: to - from }
  }

  const phases: Record<string, unknown>[] = []
  const halves = [raws.slice(0, Math.ceil(raws.length / 2)), raws.slice(Math.ceil(raws.length / 2))]
  for (const [i, [route, ready]] of (
    [
      ['#/', '[data-testid="height-spn1"]'],
      ['#/network/spn1', '[data-testid="blocks"] tbody tr'],
    ] as const
  ).entries()) {
    await page.goto('about:blank')
    await page.goto(`${url}${route}`)
    await page.locator(ready).first().waitFor({ timeout: 30_000 })
    const fromBlock = Number(await call<Hex>('eth_blockNumber'))
    const t0 = await page.evaluate(() => performance.now())
    const offered = await offer(halves[i]!)
    await new Promise((r) => setTimeout(r, 2000)) // the blocks that carry the tail
    const t1 = await page.evaluate(() => performance.now())
    const toBlock = Number(await call<Hex>('eth_blockNumber'))
    const probe = await page.evaluate(
      () => (window as unknown as { __bench: { longTasks: number[][]; frames: number[][] } }).__bench,
    )
    const tasks = probe.longTasks.filter(([s]) => s! >= t0 && s! <= t1).map(([, d]) => d!)
    const frames = probe.frames.filter(([s]) => s! >= t0 && s! <= t1).map(([, d]) => d!)
    const windowMs = t1 - t0
    const included = await includedTps(fromBlock, toBlock)
    const phase = {
      page: route,
      ...offered,
      includedTps: included.tps,
      includedTxs: included.txs,
      blocks: included.blocks,
      windowMs: Math.round(windowMs),
      longTasks: tasks.length,
      longTaskMs: Math.round(tasks.reduce((a, b) => a + b, 0)),
      longTaskMaxMs: Math.round(Math.max(0, ...tasks)),
      mainThreadBusyShare: Number((tasks.reduce((a, b) => a + b, 0) / windowMs).toFixed(3)),
      frames: frames.length,
      frameP50Ms: Number(quantile(frames, 0.5).toFixed(1)),
      frameP95Ms: Number(quantile(frames, 0.95).toFixed(1)),
      frameMaxMs: Number(Math.max(0, ...frames).toFixed(1)),
    }
    log(`${route}: ${JSON.stringify(phase)}`)
    phases.push(phase)
  }
  const result = {
    machine: { cpus: 2, loadavg1: loadavg()[0] ?? 0, shared: true },
    firstPaintMs: { median: quantile(fmp, 0.5), min: Math.min(...fmp), max: Math.max(...fmp), runs: fmp },
    firstPaintStagesMs: {
      domReady: quantile(
        stages.map((s) => s.domReady),
        0.5,
      ),
      everyRowPainted: quantile(
        stages.map((s) => s.skeleton),
        0.5,
      ),
      firstNodeAnswer: quantile(
        stages.map((s) => s.firstRpc),
        0.5,
      ),
      slowestNodeFirstAnswer: quantile(
        stages.map((s) => s.lastNodeFirstRpc),
        0.5,
      ),
      scriptKiB: Math.round(
        quantile(
          stages.map((s) => s.scriptKiB),
          0.5,
        ),
      ),
    },
    load: phases,
  }
  if (values.json) console.log(JSON.stringify(result))
  else {
    const f = result.firstPaintStagesMs
    console.log(`
| measure | value |
| --- | --- |
| first meaningful paint (every height shown), median of ${fmp.length} | ${result.firstPaintMs.median.toFixed(0)} ms (min ${result.firstPaintMs.min.toFixed(0)}, max ${result.firstPaintMs.max.toFixed(0)}) |
| of which: DOM ready / every row painted / first node answer / slowest node's first answer (medians) | ${f.domReady.toFixed(0)} / ${f.everyRowPainted.toFixed(0)} / ${f.firstNodeAnswer.toFixed(0)} / ${f.slowestNodeFirstAnswer.toFixed(0)} ms |
| JavaScript of the first load | ${f.scriptKiB} KiB |`)
    for (const l of phases as Record<string, number | string>[])
      console.log(`| \`${l.page}\`: load offered / included by spn1 | ${l.offeredTps} / ${l.includedTps} tx/s (${l.accepted} accepted, ${l.rejected} refused; ${l.blocks} blocks) |
| \`${l.page}\`: long tasks in the ${(Number(l.windowMs) / 1000).toFixed(1)} s window | ${l.longTasks} (${l.longTaskMs} ms, longest ${l.longTaskMaxMs} ms) |
| \`${l.page}\`: frame time p50 / p95 / max | ${l.frameP50Ms} / ${l.frameP95Ms} / ${l.frameMaxMs} ms (${l.frames} frames) |`)
    console.log(`| load average (1 min; 2 shared cores) | ${result.machine.loadavg1.toFixed(1)} |`)
  }
} finally {
  await browser.close()
  const pids = nodePids(dataDir)
  up.proc.kill('SIGTERM')
  await until(() => (up.proc.exitCode !== null ? true : undefined), 30_000, 'mesh up to stop').catch(
    () => undefined,
  )
  for (const pid of [up.proc.pid, ...pids])
    if (pid && alive(pid))
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // gone
      }
  rmSync(dir, { recursive: true, force: true })
}
