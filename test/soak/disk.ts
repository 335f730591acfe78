import { existsSync, rmSync, statfsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { devAccounts } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { createBulkSenders } from './diskTraffic.js'
import { createPhaseClock } from './phaseClock.js'
import { resizeTmpfs, tryMountTmpfs, unmount } from './privileged.js'
import {
  alive,
  ensureBuilt,
  killAndWait,
  root,
  type Started,
  sleep,
  startReady,
  tail,
  until,
  writeJSON,
} from './processes.js'
import { call, callBatch } from './rpcClient.js'
import type { Scenario, ScenarioOptions, ScenarioResult } from './scenario.js'

const CHAIN_ID = 9141
const MiB = 2 ** 20

/** Free bytes on the filesystem holding `dir`. */
function freeBytes(dir: string): number {
  const s = statfsSync(dir)
  return Number(s.bavail) * Number(s.bsize)
}

/**
 * disk: an SPN whose data dir is on a small tmpfs. A ballast file leaves a few MiB free, then bulky
 * transfers (calldata-heavy) flow until the store is full. Promises: every refusal is a JSON-RPC -32000
 * error saying "disk full" (CHAIN_DISK_FULL), the node never exits and keeps answering reads, every
 * acknowledged transaction ends up in a block (none lost, also after a kill -9 and restart), and once the
 * tmpfs is grown (`mount -o remount,size=`) new transactions are accepted and sealed again.
 */
export const disk: Scenario = {
  name: 'disk',
  describe:
    'an SPN on a small tmpfs filled under traffic: refusals say "disk full", nothing acknowledged lost, resumes when the tmpfs grows',
  async run(o: ScenarioOptions): Promise<ScenarioResult> {
    const started = performance.now()
    const figures: Record<string, number | string> = {}
    const failures: string[] = []
    const result = (): ScenarioResult => ({
      scenario: 'disk',
      ok: failures.length === 0,
      seconds: (performance.now() - started) / 1000,
      figures,
      failures,
    })
    const mnt = join(o.workDir, 'disk-tmpfs')
    const sizeMiB = 48
    const skipped = tryMountTmpfs(mnt, sizeMiB)
    if (skipped) {
      figures.skipped = skipped
      o.log(`disk: skipped: ${skipped}`)
      return result()
    }
    const dataDir = join(mnt, 'spn1')
    const cfg = join(o.workDir, 'disk.json')
    const logFile = join(o.workDir, 'disk.log')
    writeJSON(cfg, {
      spnId: 'spn1',
      chainId: CHAIN_ID,
      dataDir,
      devAccounts: 6,
      blockTimeMs: 250,
      logLevel: 'warn',
    })
    const keys = devAccounts(6).map((a) => a.privateKey as Hex)
    const sink = privateKeyToAccount(keys[5] as Hex).address
    const refusalsWanted = o.quick ? 6 : 60
    const fullPhaseMs = o.quick ? 90_000 : 300_000
    let node: Started | undefined
    const clock = createPhaseClock()
    const start = async () => {
      // the built bin (ensureBuilt: rebuilt when stale): starts in about half the time of tsx from source
      node = await startReady(
        [join(root, 'packages/spn/dist/bin.js'), '--config', cfg],
        logFile,
        120_000,
        true,
      )
      return node.ready.rpcUrl as string
    }
    try {
      ensureBuilt(o.log)
      let url = await start()
      clock.mark('node start')
      const senders = createBulkSenders({
        url,
        chainId: CHAIN_ID,
        keys: keys.slice(0, 4),
        to: sink,
        payloadBytes: 16 * 1024,
      })
      // ballast: leave a few MiB for the node to fill with traffic
      const headroom = (o.quick ? 3 : 8) * MiB
      const ballast = Math.max(0, freeBytes(mnt) - headroom)
      writeFileSync(join(mnt, 'ballast'), Buffer.alloc(ballast))
      figures['tmpfs MiB'] = sizeMiB
      figures['headroom MiB'] = headroom / MiB
      o.log(`disk: tmpfs ${sizeMiB} MiB at ${mnt}, ${headroom / MiB} MiB left free; filling it`)
      // fill: 4 senders until enough refusals (a block that cannot be committed waits in the pool meanwhile)
      let refused = 0
      let other = 0
      let i = 0
      const refusalSample: string[] = []
      const deadline = Date.now() + fullPhaseMs
      const worker = async (w: number) => {
        while (refused < refusalsWanted && Date.now() < deadline) {
          const r = await senders.send(w + 4 * i++)
          if (r.kind === 'disk-full') {
            refused++
            if (refusalSample.length < 1) refusalSample.push(`${r.code} ${r.message}`)
            if (r.code !== -32000) failures.push(`a disk-full refusal has code ${r.code}, not -32000`)
            await sleep(200)
          } else if (r.kind === 'other') {
            other++
            if (failures.length < 10) failures.push(`unexpected answer while filling: ${r.detail}`)
            await sleep(200)
          }
          if (!alive(node!.pid)) break
        }
      }
      await Promise.all([0, 1, 2, 3].map((w) => worker(w)))
      clock.mark('fill')
      figures['acked before full'] = senders.acked.size
      figures['refused (disk full)'] = refused
      figures['unexpected errors'] = other
      if (refusalSample[0]) figures.refusal = refusalSample[0].slice(0, 120)
      if (!alive(node!.pid)) {
        failures.push(`the node exited while the disk was full; log:\n${tail(logFile)}`)
        return result()
      }
      if (refused < refusalsWanted)
        failures.push(
          `only ${refused} disk-full refusals in ${fullPhaseMs / 1000} s (wanted ${refusalsWanted})`,
        )
      // full: reads still answer
      const headWhileFull = Number(await call(url, 'eth_blockNumber'))
      figures['head while full'] = headWhileFull
      // space returns: grow the tmpfs, new work is accepted and sealed again
      resizeTmpfs(mnt, sizeMiB * 4)
      const grown = performance.now()
      let resumedHash: Hex | undefined
      await until(
        async () => {
          const r = await senders.send(4 * i++)
          if (r.kind === 'acked') resumedHash = r.hash
          return r.kind === 'acked'
        },
        60_000,
        'a transaction accepted after the tmpfs grew',
      )
      await until(
        async () => (await call(url, 'eth_getTransactionReceipt', [resumedHash]))?.blockNumber,
        60_000,
        'the first transaction after the tmpfs grew sealed',
      )
      figures['resumed after s'] = ((performance.now() - grown) / 1000).toFixed(1)
      clock.mark('resume')
      // nothing acknowledged lost: every acked hash has a receipt, now and after a kill -9 + restart
      const missing = async () => {
        const hashes = [...senders.acked.keys()]
        const receipts = await callBatch(
          url,
          'eth_getTransactionReceipt',
          hashes.map((h) => [h]),
        )
        return hashes.filter((_, i) => !receipts[i]?.blockNumber)
      }
      // waits up to `ms` until every acked hash has a receipt; the last answer counts (a node just
      // restarted on a loaded machine may answer slowly): returns the hashes still without one
      const awaitIncluded = async (ms: number, label: string): Promise<Hex[]> => {
        let left: Hex[] = [...senders.acked.keys()]
        await until(
          async () => {
            left = await missing()
            return left.length === 0
          },
          ms,
          label,
        ).catch(() => {})
        return left
      }
      const lost = await awaitIncluded(120_000, 'every acknowledged transaction in a block')
      clock.mark('sealed')
      await killAndWait(node!)
      url = await start()
      clock.mark('restart')
      const lostAfterRestart = await awaitIncluded(
        60_000,
        'every acknowledged transaction in a block after the restart',
      )
      figures['acked txs'] = senders.acked.size
      figures['acked txs lost'] = Math.max(lost.length, lostAfterRestart.length)
      if (lost.length) failures.push(`${lost.length} acknowledged transactions never sealed, e.g. ${lost[0]}`)
      if (lostAfterRestart.length)
        failures.push(`${lostAfterRestart.length} acknowledged transactions gone after a restart`)
      figures['head after restart'] = Number(await call(url, 'eth_blockNumber', [], 30_000))
    } catch (err) {
      failures.push(`${(err as Error).message}\nlog:\n${tail(logFile)}`)
    } finally {
      if (node) await killAndWait(node)
      unmount(mnt)
      if (existsSync(mnt)) rmSync(mnt, { recursive: true, force: true })
      clock.mark('stop')
      figures['time s'] = clock.figure()
    }
    o.log(`disk: ${failures.length ? 'FAIL' : 'held'} ${JSON.stringify(figures)}`)
    return result()
  },
}
