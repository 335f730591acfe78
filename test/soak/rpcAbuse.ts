import { join } from 'node:path'
import { devAccounts } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { HTTPSender, MAX_BODY, preview, WSClient } from './abuseSender.js'
import { isolateAttacker } from './cpuAffinity.js'
import { createAbuseGenerator, methodNames } from './malformed.js'
import { createPhaseClock } from './phaseClock.js'
import {
  ensureBuilt,
  kill,
  root,
  rssOf,
  type Started,
  sleep,
  startReady,
  until,
  writeJSON,
} from './processes.js'
import { call } from './rpcClient.js'
import type { Scenario, ScenarioOptions, ScenarioResult } from './scenario.js'
import { cpuUse, type ProcessTimes, processTimes } from './threadTimes.js'
import { startTrafficProcess } from './trafficClient.js'
import { probeLimits } from './wsLimits.js'

const CHAIN_ID = 9131
const ANSWER_LIMIT_MS = 5_000
/**
 * Node flags for the SPN under test (`SPN_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'`): with any, the
 * node is stopped with SIGTERM (so a profile is written) before the SIGKILL.
 */
export const spnNodeFlags = (env: NodeJS.ProcessEnv = process.env): string[] =>
  (env.SPN_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)
/**
 * A diagnosis of one part of the flood: `MESH_SOAK_ABUSE_KINDS=huge-batch,deep-object` sends only those
 * kinds (`malformed.ts`), `MESH_SOAK_ABUSE_REQUESTS=2000` that many; the scenario's size otherwise.
 */
const abuseKinds = (env: NodeJS.ProcessEnv = process.env): string[] =>
  (env.MESH_SOAK_ABUSE_KINDS ?? '').split(',').filter(Boolean)
const abuseRequests = (quick: boolean, env: NodeJS.ProcessEnv = process.env): number =>
  Number(env.MESH_SOAK_ABUSE_REQUESTS) || (quick ? 600 : 10_000)
/** `MESH_SOAK_ABUSE_PIN=1`: the attacker on a core of its own (`cpuAffinity.ts:isolateAttacker`). */
const isolated = (env: NodeJS.ProcessEnv = process.env): boolean => env.MESH_SOAK_ABUSE_PIN === '1'
/**
 * The control run (`MESH_SOAK_ABUSE_TARGET=sink`): the same flood goes to `sinkServer.ts` (one fixed error
 * for everything) while the valid traffic goes to the node, which isolates what the generator's own CPU
 * costs the valid sender on the shared machine. Its verdicts on answers mean nothing; its figures are the point.
 */
const abuseTarget = (env: NodeJS.ProcessEnv = process.env): 'node' | 'sink' =>
  env.MESH_SOAK_ABUSE_TARGET === 'sink' ? 'sink' : 'node'

/**
 * rpc-abuse: a node (SPN, the built bin) gets `requests` hostile HTTP and WebSocket JSON-RPC requests from
 * `concurrency` workers (`malformed.ts`: random bytes, truncated and deeply nested JSON, wrong envelopes,
 * ids and parameter types for every method, huge batches and strings, bad raw transactions, wrong HTTP
 * methods and content types, prototype keys) while four senders keep sending value transfers. Checks:
 * every answer a JSON-RPC error (or result) or a 4xx, no stack trace, none over 5 s, the transfers keep at
 * least half their throughput and are all included, the node's memory stays bounded, it still answers.
 */
export const rpcAbuse: Scenario = {
  name: 'rpc-abuse',
  describe: 'hostile HTTP and WebSocket JSON-RPC requests while valid transfers flow',
  async run(o: ScenarioOptions): Promise<ScenarioResult> {
    const started = performance.now()
    const requests = abuseRequests(o.quick)
    const concurrency = 4
    const dataDir = join(o.workDir, 'rpc-abuse')
    const cfg = join(o.workDir, 'rpc-abuse.json')
    writeJSON(cfg, {
      spnId: 'spn1',
      chainId: CHAIN_ID,
      dataDir,
      devAccounts: 6,
      blockTimeMs: 250,
      logLevel: 'warn',
      dev: o.dev ?? false,
    })
    const failures: string[] = []
    const figures: Record<string, number | string> = {}
    let node: Started | undefined
    let sinkServer: Started | undefined
    const clock = createPhaseClock()
    const nodeFlags = spnNodeFlags()
    try {
      ensureBuilt(o.log) // the built bin starts in about half the time of tsx from source
      node = await startReady(
        [...nodeFlags, join(root, 'packages/spn/dist/bin.js'), '--config', cfg],
        join(o.workDir, 'rpc-abuse.log'),
        120_000,
        true,
      )
      const url = node.ready.rpcUrl as string
      if (abuseTarget() === 'sink')
        sinkServer = await startReady(
          [join(root, 'test/soak/sinkServer.ts')],
          join(o.workDir, 'sink.log'),
          60_000,
        )
      const hostileUrl = (sinkServer?.ready.rpcUrl as string | undefined) ?? url
      const wsUrl = (sinkServer ?? node).ready.wsUrl as string
      figures['hostile target'] = sinkServer ? 'sink (control run)' : 'node'
      const pid = node.pid
      const keys = devAccounts(6).map((a) => a.privateKey as Hex)
      const sink = privateKeyToAccount(keys[5] as Hex).address
      const validTx = await privateKeyToAccount(keys[4] as Hex).signTransaction({
        chainId: CHAIN_ID,
        type: 'eip1559',
        nonce: 0,
        to: sink,
        value: 1n,
        gas: 21_000n,
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 1n,
      })
      const methods = methodNames()
      const kinds = abuseKinds()
      const gen = createAbuseGenerator({
        seed: o.seed,
        methods,
        validTx,
        maxBodyBytes: MAX_BODY,
        kinds,
      })
      if (kinds.length) figures['hostile kinds'] = kinds.join(',')
      const traffic = await startTrafficProcess([
        join(root, 'test/soak/trafficProcess.ts'),
        url,
        String(CHAIN_ID),
        sink,
        ...keys.slice(0, 4),
      ])
      clock.mark('node start')
      // senders warm up: until the first transfer is acknowledged (the traffic process starts from source)
      const warm = traffic.measure()
      await until(async () => warm().acked > 0, 120_000, 'the first valid transfer acknowledged')
      await sleep(o.quick ? 500 : 2_000)
      if (isolated()) {
        const layout = isolateAttacker({ node: pid, sender: traffic.pid, runner: process.pid })
        if (layout) figures['CPU layout'] = layout
      }
      const baselineRss = rssOf(pid)
      const processes = { node: pid, runner: process.pid, sender: traffic.pid, sink: sinkServer?.pid ?? 0 }
      const timesAtBase = timesOf(processes)
      let stopBase = traffic.measure()
      await sleep(o.quick ? 4_000 : 15_000)
      const baseline = stopBase()
      const timesAtHostile = timesOf(processes)
      o.log(
        `rpc-abuse: baseline ${baseline.perSecond.toFixed(0)} transfers/s, node RSS ${(baselineRss / 2 ** 20).toFixed(0)} MiB; ${requests} hostile requests over ${methods.length} methods`,
      )
      let peakRss = baselineRss
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, rssOf(pid))
      }, 250)
      clock.mark('traffic+baseline')
      const stopAbuse = traffic.measure()
      const classes = new Map<string, number>()
      const byKind = new Map<string, number>()
      const bad: string[] = []
      let slow = 0
      let slowest = 0
      let sent = 0
      let logged = 0
      const http = new HTTPSender(hostileUrl)
      const worker = async () => {
        const ws = new WSClient(wsUrl)
        while (sent < requests) {
          sent++
          const req = gen.next()
          byKind.set(req.kind, (byKind.get(req.kind) ?? 0) + 1)
          const t0 = performance.now()
          const v = req.transport === 'ws' ? await ws.send(req) : await http.send(req)
          const ms = performance.now() - t0
          slowest = Math.max(slowest, ms)
          if (ms > ANSWER_LIMIT_MS) {
            slow++
            o.log(
              `rpc-abuse: slow ${req.kind}/${req.transport} ${(ms / 1000).toFixed(1)} s (${v.class}) ${preview(req.body, 100)}`,
            )
            // quick (npm test, a shared machine): counted in `over 5 s`, asserted by the full soak only
            if (bad.length < 30 && !o.quick)
              bad.push(`${req.kind}/${req.transport} answered in ${(ms / 1000).toFixed(1)} s`)
          }
          classes.set(v.class, (classes.get(v.class) ?? 0) + 1)
          if (!v.ok && bad.length < 30)
            bad.push(
              `${req.kind}/${req.transport}: ${v.class} ${v.detail ?? ''} <- ${preview(req.body, 160)}`,
            )
          if (sent % (o.quick ? 100 : 1000) === 0 && sent === ++logged * (o.quick ? 100 : 1000))
            o.log(`rpc-abuse: ${sent}/${requests}`)
        }
        ws.close()
      }
      await Promise.all(Array.from({ length: concurrency }, () => worker()))
      http.close()
      const during = stopAbuse()
      const timesAtEnd = timesOf(processes)
      clearInterval(sampler)
      // the limits on connections and subscriptions per client
      clock.mark('hostile requests')
      const limits = await probeLimits(node.ready.wsUrl as string)
      clock.mark('limits')
      stopBase = traffic.measure()
      await traffic.stop()
      await sleep(1_000)
      const afterRss = rssOf(pid)
      // every acknowledged transfer is included: each sender's nonce moved by exactly its acknowledged count
      const lost: string[] = []
      await until(
        async () => {
          lost.length = 0
          for (const [addr, n] of traffic.acked) {
            const nonce = Number(await call(url, 'eth_getTransactionCount', [addr, 'latest']))
            const expected = (traffic.startNonce.get(addr) ?? 0) + n
            if (nonce !== expected) lost.push(`${addr}: nonce ${nonce}, expected ${expected}`)
          }
          return lost.length === 0
        },
        60_000,
        'every acknowledged transfer to be included',
      ).catch(() => undefined)
      clock.mark('inclusion')
      const alive = await call(url, 'eth_chainId')
        .then((c) => Number(c) === CHAIN_ID)
        .catch(() => false)
      const ratio = during.perSecond / Math.max(baseline.perSecond, 1e-9)
      const failed = [...classes].filter(
        ([c]) =>
          !['rpc-error', 'result', 'no-content', 'closed-over-limit'].includes(c) &&
          !c.startsWith('http-4') &&
          !c.startsWith('ws-close-1009'),
      )
      Object.assign(figures, {
        requests: sent,
        'answers ok': sent - failed.reduce((s, [, n]) => s + n, 0) - slow,
        'over 5 s': slow,
        'slowest ms': Math.round(slowest),
        'valid tx/s before': Number(baseline.perSecond.toFixed(1)),
        'valid tx/s during': Number(during.perSecond.toFixed(1)),
        'throughput kept': Number(ratio.toFixed(2)),
        ...phaseFigures(baseline, during, [timesAtBase, timesAtHostile, timesAtEnd], sent),
        'acked txs lost': lost.length,
        'RSS MiB base/peak/after': `${mib(baselineRss)}/${mib(peakRss)}/${mib(afterRss)}`,
        classes: [...classes].map(([c, n]) => `${c}:${n}`).join(' '),
        ...limits.figures,
      })
      if (failed.length)
        failures.push(
          `answers that are neither a JSON-RPC error nor a 4xx: ${failed.map(([c, n]) => `${c} ×${n}`).join(', ')}`,
        )
      failures.push(...bad.slice(0, 10))
      // The speed promises (answers within 5 s, half the valid throughput kept) are measured by the full
      // soak on its own; the quick version runs inside `npm test` beside other suites on the same cores, so
      // it reports them and only asserts that valid traffic kept flowing at all.
      if (slow && !o.quick) failures.push(`${slow} answers took over 5 s`)
      if (o.quick ? during.perSecond === 0 : ratio < 0.5)
        failures.push(
          `valid throughput fell to ${(ratio * 100).toFixed(0)}% (${during.perSecond.toFixed(1)} of ${baseline.perSecond.toFixed(1)} tx/s)`,
        )
      if (lost.length) failures.push(`acknowledged transfers not included: ${lost.join('; ')}`)
      if (peakRss > baselineRss + 1024 * 2 ** 20)
        failures.push(`node memory grew from ${mib(baselineRss)} to ${mib(peakRss)} MiB`)
      if (!alive) failures.push('the node no longer answers eth_chainId')
      failures.push(...limits.failures)
      if (traffic.errors.length)
        o.log(`rpc-abuse: valid traffic errors: ${traffic.errors.slice(0, 3).join(' | ')}`)
    } catch (err) {
      failures.push(`scenario aborted: ${(err as Error).message}`)
    } finally {
      if (node && nodeFlags.length) await stopGently(node)
      kill(node?.pid)
      kill(sinkServer?.pid)
      figures['time s'] = clock.figure()
    }
    return {
      scenario: 'rpc-abuse',
      ok: failures.length === 0,
      seconds: (performance.now() - started) / 1000,
      figures,
      failures,
    }
  },
}

/** SIGTERM, then up to 30 s for the node to exit (it writes its `--cpu-prof` profile on exit). */
async function stopGently(node: Started): Promise<void> {
  if (node.proc.exitCode !== null || node.proc.signalCode !== null) return
  const exited = new Promise((r) => node.proc.once('exit', r))
  node.proc.kill('SIGTERM')
  await Promise.race([exited, sleep(30_000)])
}

type Times = Record<'node' | 'runner' | 'sender' | 'sink', ProcessTimes>
const timesOf = (pids: Record<keyof Times, number>): Times => ({
  node: processTimes(pids.node),
  runner: processTimes(pids.runner),
  sender: processTimes(pids.sender),
  sink: processTimes(pids.sink),
})
type Window = { sign: { p50: number; p99: number }; send: { p50: number; p99: number; mean: number } }

/**
 * Where the valid traffic's time goes, baseline → hostile phase: each transfer's signing and request
 * (p50/p99 ms), and each process's CPU and run-queue wait in cores (`/proc` schedstat): the node's main
 * thread and its other threads, the runner (the flood generator) and the valid sender.
 */
function phaseFigures(
  base: Window,
  hostile: Window,
  [t0, t1, t2]: [Times, Times, Times],
  requests: number,
): Record<string, string | number> {
  const ms = (x: number) => x.toFixed(1)
  const cores = (x: number) => x.toFixed(2)
  const b = {
    node: cpuUse(t0.node, t1.node),
    runner: cpuUse(t0.runner, t1.runner),
    sender: cpuUse(t0.sender, t1.sender),
  }
  const h = {
    node: cpuUse(t1.node, t2.node),
    runner: cpuUse(t1.runner, t2.runner),
    sender: cpuUse(t1.sender, t2.sender),
  }
  const hostileSeconds = (t2.node.at - t1.node.at) / 1000
  return {
    'valid send ms p50/p99/mean base→hostile': `${ms(base.send.p50)}/${ms(base.send.p99)}/${ms(base.send.mean)} → ${ms(hostile.send.p50)}/${ms(hostile.send.p99)}/${ms(hostile.send.mean)}`,
    'valid sign ms p50/p99 base→hostile': `${ms(base.sign.p50)}/${ms(base.sign.p99)} → ${ms(hostile.sign.p50)}/${ms(hostile.sign.p99)}`,
    'node CPU main/other base→hostile': `${cores(b.node.mainCpu)}/${cores(b.node.cpu - b.node.mainCpu)} → ${cores(h.node.mainCpu)}/${cores(h.node.cpu - h.node.mainCpu)}`,
    'node main wait base→hostile': `${cores(b.node.mainWait)} → ${cores(h.node.mainWait)}`,
    'sender CPU/wait base→hostile': `${cores(b.sender.cpu)}/${cores(b.sender.wait)} → ${cores(h.sender.cpu)}/${cores(h.sender.wait)}`,
    'sender main CPU/wait base→hostile': `${cores(b.sender.mainCpu)}/${cores(b.sender.mainWait)} → ${cores(h.sender.mainCpu)}/${cores(h.sender.mainWait)}`,
    'runner CPU/wait base→hostile': `${cores(b.runner.cpu)}/${cores(b.runner.wait)} → ${cores(h.runner.cpu)}/${cores(h.runner.wait)}`,
    ...(t2.sink.threads.size ? { 'sink CPU hostile': cores(cpuUse(t1.sink, t2.sink).cpu) } : {}),
    // what the node spent beyond its baseline rate (the valid traffic's share), per hostile request
    'node CPU ms per hostile request over base (main)': `${ms((Math.max(0, h.node.cpu - b.node.cpu) * hostileSeconds * 1000) / Math.max(requests, 1))} (${ms((Math.max(0, h.node.mainCpu - b.node.mainCpu) * hostileSeconds * 1000) / Math.max(requests, 1))})`,
  }
}

const mib = (b: number) => (b / 2 ** 20).toFixed(0)
