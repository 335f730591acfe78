/**
 * `bench:spn --mode user`: what a user gets (issue [throughput]). The SPN is spn1 of a default `mesh up`
 * (`meshTarget.ts`: the built CLI, `mesh up --detach` in a fresh data dir: main net running, both SPNs
 * settling, default block time, executor and log level); anvil (`anvilTarget.ts`: 1 s interval mining
 * unless `--anvil-block-time`) runs the same ERC20 workload under the same client afterwards, with the
 * mesh stopped. `--workload wasm-token|both` also runs the WASM token (`userToken.ts`) on a fresh mesh:
 * ours only, anvil runs no WASM.
 *
 * Workload (`userWorkload.ts`): N pre-signed token transfers from S senders, posted as JSON-RPC batches;
 * every sender waits for each of its transactions, in nonce order, with viem's `waitForTransactionReceipt`
 * on its own public client (`pollingInterval: 100`), as a viem app would. Each target's run has a client
 * process of its own (`freshClient.ts`), after `--warmup` unmeasured transfers, so neither target meets a
 * client the other warmed. The table: `userModeTable.ts`.
 */

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { keccak256 } from 'viem'
import { anvilMining, startAnvil } from './anvilTarget.js'
import { inFreshClient } from './freshClient.js'
import { startMesh } from './meshTarget.js'
import type { Target } from './target.js'
import { userModeTable } from './userModeTable.js'
import { loadUserToken, type UserToken } from './userToken.js'
import type { UserWorkloadJob } from './userWorkloadProcess.js'

export type UserModeOptions = {
  root: string
  txs: number
  senders: number
  batch: number
  inflight: number
  json: boolean
  /** `erc20` (ours vs anvil), `wasm-token` (ours only) or `both` (the ERC20 pair, then WASM on a fresh mesh). */
  workload: 'erc20' | 'wasm-token' | 'both'
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
  /** `mesh up --workers N`: the parallel executor with N threads (absent: the SPNs' default, serial). */
  workers?: string | undefined
  /**
   * Unmeasured transfers through the same path before each target's measured run (`--warmup`, default
   * 2,000), in that target's own client process: the node's JIT and the client's are warm for the run.
   */
  warmup?: number | undefined
}

const log = (s: string) => process.stderr.write(`${s}\n`)

/** One target's run for `inFreshClient`: the workload's options, the target, the token, the senders. */
const jobOf = (
  o: UserModeOptions,
  target: Target,
  token: UserToken,
  keys: `0x${string}`[],
): UserWorkloadJob => ({
  options: { txs: o.txs, batch: o.batch, inflight: o.inflight, warmup: o.warmup },
  target,
  token: token.kind,
  keys,
  root: o.root,
})

/** Runs `token`'s workload on spn1 of a fresh default mesh in `dir`; spn1's measurements. */
async function onMesh(
  o: UserModeOptions,
  dir: string,
  token: UserToken,
  keys: `0x${string}`[],
): Promise<{ row: Record<string, number>; target: Target }> {
  const mesh = await startMesh(o, dir)
  try {
    log(
      `running spn1 of the mesh (${o.warmup ? `${o.warmup} unmeasured, then ` : ''}${o.txs} ${token.label} transfers from ${o.senders} senders, viem clients) ...`,
    )
    const row = await inFreshClient(jobOf(o, mesh.target, token, keys))
    if (o.cpuProfDir)
      log(`spn1 pid ${mesh.target.pids[0]}: its profile is CPU.*.${mesh.target.pids[0]}.*.cpuprofile`)
    return { row, target: mesh.target }
  } finally {
    await mesh.stop()
  }
}

/**
 * Runs user mode: the ERC20 on the default mesh's spn1, then on anvil, under the same client, and/or the
 * WASM token on a fresh mesh; prints a table (+ JSON with `--json`).
 *
 * @example
 * ```ts
 * // npm run bench -w @rollup-mesh/spn -- --mode user --workload both --txs 10000
 * await runUserMode({ root, txs: 10_000, senders: 200, batch: 500, inflight: 2, json: false, workload: 'both', noAnvil: false })
 * ```
 */
export async function runUserMode(o: UserModeOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'spn-bench-user-'))
  if (o.cpuProfDir) mkdirSync(o.cpuProfDir, { recursive: true })
  const keys = Array.from({ length: o.senders }, (_, i) =>
    keccak256(`0x${(i + 1).toString(16).padStart(64, '0')}`),
  )
  const kinds = o.workload === 'both' ? (['erc20', 'wasm-token'] as const) : ([o.workload] as const)
  log(`compiling ${kinds.join(', ')} ...`)
  const tokens = await Promise.all(kinds.map((k) => loadUserToken(o.root, k)))
  const results: Record<string, Record<string, number>> = {}
  let anvilVersion = ''
  try {
    for (const token of tokens) {
      if (token.kind === 'wasm-token') {
        results.wasm = (await onMesh(o, join(dir, 'mesh-wasm'), token, keys)).row
        continue
      }
      const spn = await onMesh(o, join(dir, 'mesh'), token, keys)
      results.spn = spn.row
      if (o.noAnvil) continue
      const anvil = await startAnvil(o, spn.target.chainId)
      anvilVersion = anvil.version
      try {
        log(`running anvil (${o.warmup ? `${o.warmup} unmeasured, then ` : ''}${o.txs} transfers) ...`)
        results.anvil = await inFreshClient(jobOf(o, anvil.target, token, keys))
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
  process.stdout.write(`${userModeTable(o, anvilVersion, results).join('\n')}\n`)
  if (o.json) {
    const ratio = results.anvil && results.spn ? results.spn.txPerSec! / results.anvil.txPerSec! : null
    const wasmRatio = results.wasm && results.spn ? results.wasm.txPerSec! / results.spn.txPerSec! : null
    process.stdout.write(
      `${JSON.stringify({ bench: 'spn', mode: 'user', workload: o.workload, txs: o.txs, warmup: o.warmup ?? 0, senders: o.senders, anvil: anvilVersion, anvilMining: anvilMining(o), loadAverage: loadavg(), results, spnToAnvilTxPerSec: ratio, wasmToErc20TxPerSec: wasmRatio })}\n`,
    )
  }
}
