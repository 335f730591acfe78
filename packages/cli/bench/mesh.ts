/**
 * `npm run bench:mesh`: the default mesh (`mesh up`: main net + 2 SPNs, 500 ms blocks, 2 s settlement
 * interval), started detached in a temp dir, measured end to end:
 *   - message latency: `sendMessage` submitted on spn1 → delivered and executed on spn2 (its inbox entry),
 *     and its p50 per stage (`STAGES`: spn1 block, proved, sent, finalized on the main net, in spn2's
 *     inbox, delivered);
 *   - settlement latency: the block holding the message committed on spn1 → its settlement accepted on
 *     the main net (Settlement.tipOf covers the block);
 *   - settlement verification on the main net: gas of each accepting `Settlement.submit` (receipts), and
 *     the in-process wall time of `submit` from `bench:mainnet`.
 *
 *   npm run bench:mesh [-- --messages N] [-- --validators N] [-- --json]
 *
 * `--validators N` runs the main net as N BFT validator processes (`mesh up --validators N`).
 */
import '@rollup-mesh/core/polyfill'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { devAccounts, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { settlementAbi } from '@rollup-mesh/mainnet'
import { spnMailboxAbi } from '@rollup-mesh/spn'
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hash,
  type Hex,
  http,
  type PublicClient,
  parseEventLogs,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

const json = process.argv.includes('--json')
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const messages = arg('--messages', 12)
const validators = arg('--validators', 0)
const root = fileURLToPath(new URL('../../..', import.meta.url))
const meshBin = join(root, 'packages/cli/bin/mesh.js')
const dir = mkdtempSync(join(tmpdir(), 'bench-mesh-'))
const dataDir = join(dir, 'data')

type Network = { name: string; kind: string; chainId: number; rpcUrl: string }

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : Number.NaN
}
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? (s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number) : Number.NaN
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * A message's way, each stage timed from the end of the previous one: the SPN block with the send
 * (receipt), the settlement covering it recorded by spn1 (batch cut + Groth16 proof + TEE quote:
 * `mesh_getSettlements`), its main-net transaction sent, accepted on the main net (`Settlement.tipOf`; with
 * BFT consensus included = finalized: a block is committed with its certificate), the destination's
 * inbox entry (spn2 followed the finalized main-net block and fetched the batch), executed there.
 */
const STAGES = ['spnBlock', 'proved', 'submitted', 'finalized', 'seenByDestination', 'delivered'] as const
type StageName = (typeof STAGES)[number]
const STAGE_LABELS: Record<StageName, string> = {
  spnBlock: 'send → in an spn1 block',
  proved: '→ settlement cut, proved, attested',
  submitted: '→ settlement tx sent to the main net',
  finalized: '→ accepted in a finalized main-net block',
  seenByDestination: "→ in spn2's inbox",
  delivered: '→ delivered on spn2',
}

function mesh(args: string[]): string {
  return execFileSync(process.execPath, [meshBin, ...args, '--data-dir', dataDir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

async function main(): Promise<void> {
  const startedUp = performance.now()
  const state = JSON.parse(
    mesh(['up', '--detach', '--json', ...(validators > 0 ? ['--validators', String(validators)] : [])])
      .trim()
      .split('\n')
      .at(-1) as string,
  ) as {
    networks: Network[]
  }
  const upMs = performance.now() - startedUp
  const net = (name: string) => state.networks.find((n) => n.name === name) as Network
  const client = (n: Network) =>
    createPublicClient({
      chain: defineChain({
        id: n.chainId,
        name: n.name,
        nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
        rpcUrls: { default: { http: [n.rpcUrl] } },
      }),
      transport: http(n.rpcUrl),
    }) as PublicClient
  const spn1 = client(net('spn1'))
  const spn2 = client(net('spn2'))
  const main = client(net('mainnet'))
  const user = devAccounts(4)[3] as { privateKey: Hex; address: Hex }
  const wallet = createWalletClient({
    account: privateKeyToAccount(user.privateKey),
    chain: spn1.chain,
    transport: http(net('spn1').rpcUrl),
  })
  // warm-up: the first settlement of each SPN loads the prover
  const tip = async (spnId: bigint) =>
    (await main.readContract({
      address: SYSTEM_ADDRESSES.mainnet.settlement,
      abi: settlementAbi,
      functionName: 'tipOf',
      args: [spnId],
    })) as readonly [bigint, bigint, ...unknown[]]
  for (const id of [1n, 2n]) while ((await tip(id))[0] < 1n) await sleep(200)

  const messageMs: number[] = []
  const settleMs: number[] = []
  const stageMs: Record<StageName, number[]> = Object.fromEntries(STAGES.map((s) => [s, []])) as never
  type SettlementRow = { toBlock: Hex; transactionHash: Hex | null }
  const settlements = async () =>
    (await spn1.request({
      method: 'mesh_getSettlements' as 'eth_chainId',
    })) as unknown as SettlementRow[]
  for (let i = 0; i < messages; i++) {
    const sentAt = performance.now()
    const hash = await wallet.writeContract({
      address: SYSTEM_ADDRESSES.spn.mailbox,
      abi: spnMailboxAbi,
      functionName: 'sendMessage',
      args: [2n, user.address, `0x${(i + 1).toString(16).padStart(4, '0')}`],
      value: 1n,
      chain: spn1.chain,
    })
    const receipt = await spn1.waitForTransactionReceipt({ hash, pollingInterval: 25 })
    const committedAt = performance.now()
    const [byTx] = (await spn1.request({
      method: 'mesh_getMessagesByTx' as 'eth_chainId',
      params: [hash] as unknown as undefined,
    })) as unknown as { position: number }[]
    let settled = false
    // when each stage was first seen (polling: a stage seen in the same poll as the next one counts 0)
    const seen: Partial<Record<StageName, number>> = { spnBlock: committedAt }
    const mark = (stage: StageName) => {
      seen[stage] ??= performance.now()
    }
    for (;;) {
      // Only what the next stage needs is asked (every poll is an RPC call served by the nodes measured):
      // spn1's settlements until one covering the block is sent, then the main net's tip until it is
      // accepted, then spn2's inbox.
      if (seen.submitted === undefined) {
        const mine = (await settlements()).find((x) => BigInt(x.toBlock) >= receipt.blockNumber)
        if (mine) mark('proved')
        if (mine?.transactionHash) mark('submitted')
      }
      if (!settled && seen.proved !== undefined && (await tip(1n))[1] >= receipt.blockNumber) {
        settled = true
        settleMs.push(performance.now() - committedAt)
        mark('submitted')
        mark('finalized')
      }
      const inbox = settled
        ? ((await spn2.request({
            method: 'mesh_getInbox' as 'eth_chainId',
          })) as unknown as { srcSpn: Hex; position: Hex; status: string }[])
        : []
      const e = inbox.find((x) => BigInt(x.srcSpn) === 1n && Number(BigInt(x.position)) === byTx?.position)
      if (e) mark('seenByDestination')
      if (e && e.status !== 'queued') {
        messageMs.push(performance.now() - sentAt)
        if (!settled) settleMs.push(performance.now() - committedAt)
        mark('delivered')
        let prev = sentAt
        for (const st of STAGES) {
          const at = seen[st] as number
          stageMs[st].push(at - prev)
          prev = at
        }
        break
      }
      if (performance.now() - sentAt > 60_000) throw new Error(`message ${i} not delivered in 60 s`)
      await sleep(25)
    }
    await sleep(300 + Math.random() * 700) // spread sends over the settlement cycle
  }

  // gas of every accepted settlement in this run
  const logs = await main.getLogs({
    address: SYSTEM_ADDRESSES.mainnet.settlement,
    fromBlock: 0n,
    toBlock: 'latest',
  })
  const accepted = parseEventLogs({ abi: settlementAbi, eventName: 'SettlementAccepted', logs })
  const gas: number[] = []
  for (const tx of new Set(accepted.map((l) => l.transactionHash as Hash)))
    gas.push(Number((await main.getTransactionReceipt({ hash: tx })).gasUsed))
  mesh(['down'])

  // wall time of Settlement.submit on the main net's executor (in-process, bench:mainnet)
  const mainnetBench = spawnSync(
    'npm',
    ['run', '--silent', 'bench', '-w', '@rollup-mesh/mainnet', '--', '--json', '--runs', '5'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  )
  let submitMs: number | undefined
  try {
    const r = JSON.parse(mainnetBench.stdout.trim().split('\n').at(-1) as string) as Record<string, unknown>
    submitMs = typeof r.submitMsP50 === 'number' ? r.submitMsP50 : undefined
  } catch {
    submitMs = undefined
  }
  rmSync(dir, { recursive: true, force: true })

  const result = {
    machine: { cpus: cpus().length, loadavg: loadavg().map((l) => Number(l.toFixed(2))) },
    meshUpMs: Math.round(upMs),
    messages,
    messageLatencyMs: {
      p50: Math.round(median(messageMs)),
      p90: Math.round(pct(messageMs, 90)),
      max: Math.round(Math.max(...messageMs)),
    },
    settlementLatencyMs: {
      p50: Math.round(median(settleMs)),
      p90: Math.round(pct(settleMs, 90)),
      max: Math.round(Math.max(...settleMs)),
    },
    stagesMsP50: Object.fromEntries(STAGES.map((st) => [st, Math.round(median(stageMs[st]))])),
    settlementGas: { settlements: gas.length, median: median(gas), max: Math.max(...gas) },
    submitMs,
    validators: validators > 0 ? validators : 'default',
    targets: { messageLatencyP50Ms: 5000, verificationMs: 150 },
  }
  if (!json) {
    const rows: [string, string, string][] = [
      [
        `mesh up (main net${validators > 0 ? ` × ${validators} validators` : ''} + 2 SPNs) to ready`,
        `${(result.meshUpMs / 1000).toFixed(1)} s`,
        '',
      ],
      [
        `message latency, spn1 → spn2 (${messages} msgs)`,
        `p50 ${result.messageLatencyMs.p50} ms, p90 ${result.messageLatencyMs.p90} ms`,
        'p50 ≤ 5,000 ms',
      ],
      ...STAGES.map((st): [string, string, string] => [
        `  ${STAGE_LABELS[st]}`,
        `p50 ${result.stagesMsP50[st]} ms`,
        '',
      ]),
      [
        'settlement latency (block committed → accepted)',
        `p50 ${result.settlementLatencyMs.p50} ms, p90 ${result.settlementLatencyMs.p90} ms`,
        '',
      ],
      [
        `Settlement.submit gas (${gas.length} settlements)`,
        `median ${result.settlementGas.median.toLocaleString()}`,
        '',
      ],
      [
        'Settlement.submit wall time (bench:mainnet)',
        submitMs === undefined ? 'n/a' : `${submitMs.toFixed(0)} ms`,
        '≤ 150 ms',
      ],
    ]
    const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))]
    console.log(`bench:mesh — ${cpus().length} cores, load ${result.machine.loadavg.join(' ')}`)
    for (const r of rows)
      console.log(`${r[0].padEnd(w[0] as number)}  ${r[1].padEnd(w[1] as number)}  ${r[2]}`)
  }
  console.log(JSON.stringify(result))
}

main().catch((err: unknown) => {
  try {
    mesh(['down'])
  } catch {}
  console.error(err)
  process.exit(1)
})
