/**
 * The page side of "keeps up with an SPN under 2,000 tx/s" (issue 21), without the SPN: stand-in nodes
 * (`bench/fakeNode.ts`: a main net with empty blocks and an SPN whose blocks carry --tps transactions a
 * second) serve the real explorer server and app in headless Chromium; the overview, then the SPN's network
 * page, stay open --seconds each while the page's main-thread long tasks (> 50 ms) and frame times
 * (requestAnimationFrame deltas) are recorded. `bench/explorer.ts` measures the same against a real mesh,
 * where the shared machine's SPN sets the rate.
 *
 *   npm run bench:page -w @rollup-mesh/explorer -- [--tps 2000] [--block-ms 500] [--seconds 20]
 *     [--app-dir DIR] [--json]
 */
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'
import { startExplorerServer } from '../src/server.js'
import { missingPrerequisite, until } from '../test/browser/mesh.js'
import { startFakeNode } from './fakeNode.js'

const { values } = parseArgs({
  options: {
    tps: { type: 'string', default: '2000' },
    'block-ms': { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
    'app-dir': { type: 'string' }, // another build of the app (an A/B of a change)
    json: { type: 'boolean', default: false },
  },
})
const TPS = Number(values.tps)
const BLOCK_MS = Number(values['block-ms'])
const SECONDS = Number(values.seconds)
const CHROMIUM = '/usr/bin/chromium'
const missing = missingPrerequisite(CHROMIUM)
if (missing) {
  console.error(`explorer page bench: cannot run: ${missing}`)
  process.exit(2)
}

const PROBE = `
  window.__bench = { longTasks: [], frames: [] };
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__bench.longTasks.push([e.startTime, e.duration]) })
    .observe({ type: 'longtask', buffered: true });
  let last = performance.now();
  const frame = (t) => { window.__bench.frames.push([t, t - last]); last = t; requestAnimationFrame(frame) };
  requestAnimationFrame(frame);
`
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : Number.NaN
}

const txPerBlock = Math.round((TPS * BLOCK_MS) / 1000)
const mainnet = await startFakeNode({ txPerBlock: 0, blockMs: 1000 })
const spn = await startFakeNode({ txPerBlock, blockMs: BLOCK_MS })
const server = await startExplorerServer({
  port: 0,
  appDir: values['app-dir'],
  endpoints: [
    {
      name: 'mainnet',
      kind: 'mainnet',
      chainId: 900,
      vms: ['evm'],
      rpcUrl: mainnet.rpcUrl,
      wsUrl: mainnet.wsUrl,
    },
    { name: 'spn1', kind: 'spn', chainId: 9001, vms: ['evm', 'wasm'], rpcUrl: spn.rpcUrl, wsUrl: spn.wsUrl },
  ],
})
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
const results: Record<string, number | string>[] = []
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  await page.addInitScript(PROBE)
  for (const [route, ready] of [
    ['#/', '[data-testid="height-spn1"]'],
    ['#/network/spn1', '[data-testid="txs"] tbody tr'],
  ] as const) {
    await page.goto('about:blank')
    await page.goto(`${server.url}${route}`)
    await page.locator(ready).first().waitFor({ timeout: 30_000 })
    const fromBlock = spn.blocks()
    const t0 = await page.evaluate(() => performance.now())
    await new Promise((r) => setTimeout(r, SECONDS * 1000))
    const t1 = await page.evaluate(() => performance.now())
    const blocks = spn.blocks() - fromBlock
    // the page followed: its newest block is the node's (within two blocks)
    const shown = await until(
      async () => {
        const text =
          route === '#/'
            ? await page.locator('[data-testid="height-spn1"]').textContent()
            : await page.locator('[data-testid="blocks"] tbody tr td a').first().textContent()
        const n = Number(text)
        return spn.blocks() - n <= 2 ? n : undefined
      },
      10_000,
      `the page to show spn1's head on ${route}`,
    )
    const probe = await page.evaluate(
      () => (window as unknown as { __bench: { longTasks: number[][]; frames: number[][] } }).__bench,
    )
    const tasks = probe.longTasks.filter(([s]) => s! >= t0 && s! <= t1).map(([, d]) => d!)
    const frames = probe.frames.filter(([s]) => s! >= t0 && s! <= t1).map(([, d]) => d!)
    results.push({
      page: route,
      tps: Math.round((blocks * txPerBlock) / ((t1 - t0) / 1000)),
      blocks,
      headShown: shown,
      windowMs: Math.round(t1 - t0),
      longTasks: tasks.length,
      longTaskMs: Math.round(tasks.reduce((a, b) => a + b, 0)),
      longTaskMaxMs: Math.round(Math.max(0, ...tasks)),
      frames: frames.length,
      frameP50Ms: Number(quantile(frames, 0.5).toFixed(1)),
      frameP95Ms: Number(quantile(frames, 0.95).toFixed(1)),
      frameMaxMs: Number(Math.max(0, ...frames).toFixed(1)),
    })
  }
} finally {
  await browser.close()
  await server.stop()
  await spn.stop()
  await mainnet.stop()
}
if (values.json) console.log(JSON.stringify({ machine: { loadavg1: loadavg()[0], shared: true }, results }))
else {
  console.log(`
| page (${txPerBlock} tx per ${BLOCK_MS} ms block) | tx/s | long tasks (ms, longest) | frame p50 / p95 / max |
| --- | --- | --- | --- |`)
  for (const r of results)
    console.log(
      `| \`${r.page}\` | ${r.tps} | ${r.longTasks} (${r.longTaskMs} ms, ${r.longTaskMaxMs} ms) | ${r.frameP50Ms} / ${r.frameP95Ms} / ${r.frameMaxMs} ms (${r.frames} frames) |`,
    )
  console.log(`load average (1 min; 2 shared cores): ${loadavg()[0]?.toFixed(1)}`)
}
