/**
 * What each kind of hostile request costs, alone: `node --import tsx test/soak/abuseCost.ts [--requests N]
 * [--seed S] [--kinds a,b]` starts an SPN (the built bin, no traffic), sends each kind of rpc-abuse's flood in
 * turn from 4 workers and prints, per kind, the node's CPU per request (all threads, and its main thread),
 * this process's CPU per request (the generator and client), the requests per second, and the node's RSS.
 * `SPN_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR'` profiles the node. A diagnosis for where the node spends its time in the flood (soak README), not a scenario.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { devAccounts } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { HTTPSender, MAX_BODY, WSClient } from './abuseSender.js'
import { createAbuseGenerator, methodNames } from './malformed.js'
import { ensureBuilt, kill, root, rssOf, sleep, startReady, writeJSON } from './processes.js'
import { spnNodeFlags } from './rpcAbuse.js'
import { cpuUse, processTimes } from './threadTimes.js'

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '300' },
    seed: { type: 'string', default: '3' },
    kinds: { type: 'string', default: '' },
  },
})
const CHAIN_ID = 9131
const dir = mkdtempSync(join(tmpdir(), 'abuse-cost-'))
const cfg = join(dir, 'spn.json')
writeJSON(cfg, {
  spnId: 'spn1',
  chainId: CHAIN_ID,
  dataDir: join(dir, 'data'),
  devAccounts: 2,
  blockTimeMs: 250,
  logLevel: 'warn',
})
ensureBuilt(console.log)
const node = await startReady(
  [...spnNodeFlags(), join(root, 'packages/spn/dist/bin.js'), '--config', cfg],
  join(dir, 'spn.log'),
  120_000,
  true,
)
try {
  const url = node.ready.rpcUrl as string
  const wsUrl = node.ready.wsUrl as string
  const key = devAccounts(1)[0]?.privateKey as Hex
  const validTx = await privateKeyToAccount(key).signTransaction({
    chainId: CHAIN_ID,
    type: 'eip1559',
    nonce: 0,
    to: privateKeyToAccount(key).address,
    value: 1n,
    gas: 21_000n,
    maxFeePerGas: 10n ** 11n,
    maxPriorityFeePerGas: 1n,
  })
  const methods = methodNames()
  const all = createAbuseGenerator({ seed: 1, methods, validTx, maxBodyBytes: MAX_BODY }).kinds
  const kinds = values.kinds ? values.kinds.split(',') : all
  const n = Number(values.requests)
  const rows: Record<string, string | number>[] = []
  for (const kind of kinds) {
    const gen = createAbuseGenerator({
      seed: Number(values.seed),
      methods,
      validTx,
      maxBodyBytes: MAX_BODY,
      kinds: [kind],
    })
    const http = new HTTPSender(url)
    const n0 = processTimes(node.pid)
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    let sent = 0
    let bad = 0
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        const ws = new WSClient(wsUrl)
        while (sent < n) {
          sent++
          const req = gen.next()
          const v = req.transport === 'ws' ? await ws.send(req) : await http.send(req)
          if (!v.ok) bad++
        }
        ws.close()
      }),
    )
    const seconds = (performance.now() - t0) / 1000
    const use = cpuUse(n0, processTimes(node.pid))
    const c = process.cpuUsage(c0)
    http.close()
    rows.push({
      kind,
      'node ms/req': ((use.cpu * seconds * 1000) / n).toFixed(2),
      'node main ms/req': ((use.mainCpu * seconds * 1000) / n).toFixed(2),
      'client ms/req': ((c.user + c.system) / 1000 / n).toFixed(2),
      'req/s': (n / seconds).toFixed(0),
      'node RSS MiB': (rssOf(node.pid) / 2 ** 20).toFixed(0),
      'not ok': bad,
    })
  }
  console.table(rows)
} finally {
  if (spnNodeFlags().length) {
    node.proc.kill('SIGTERM') // writes a --cpu-prof profile
    await Promise.race([new Promise((r) => node.proc.once('exit', r)), sleep(30_000)])
  }
  kill(node.pid)
  rmSync(dir, { recursive: true, force: true })
}
