import { join } from 'node:path'
import { devAccounts } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { type SentTx, startSender } from './crashClients.js'
import { validatorAgreement } from './crashValidators.js'
import { awaitDelivery } from './delivery.js'
import { type LabMesh, type LabMeshNode, startLabMesh } from './labMesh.js'
import { netnsUnavailable } from './netLab.js'
import { cutSPN, spnNetworks, startMessages } from './partitionSPN.js'
import { createPhaseClock } from './phaseClock.js'
import { ensureBuilt, sleep, until } from './processes.js'
import { call, callBatch } from './rpcClient.js'
import type { Scenario, ScenarioOptions, ScenarioResult } from './scenario.js'

type Shape = readonly (readonly number[])[]
/** How far ahead of its clock a proposer may date a block (the main net's `maxTimestampLeadS` default). */
const MAX_LEAD_S = 2
const label = (shape: Shape) => shape.map((g) => g.join('+')).join('|')

/**
 * Whether the quick run (npm test) asserts liveness too (the majority of a 1|3 cut finalizes, every
 * validator passes the highest head within a bound after heal, every acknowledged transfer included):
 * on unless `MESH_SOAK_LIVENESS=0` (then reported in the figures only). The full soak always asserts it.
 */
export const quickLivenessAsserted = (env: NodeJS.ProcessEnv = process.env): boolean =>
  env.MESH_SOAK_LIVENESS !== '0'

/**
 * Watches every validator's head and remembers the hash each node reported at each height: a height seen
 * with two hashes is a fork, a finalized block replaced later is a lost block.
 */
function createHeadWatch(validators: readonly LabMeshNode[], failures: string[]) {
  const seen = new Map<number, { hash: Hex; by: string }>()
  const hashAt = async (v: LabMeshNode, n: number) =>
    ((await call(v.url, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false])) as { hash: Hex }).hash
  const remember = (n: number, hash: Hex, by: string) => {
    const before = seen.get(n)
    if (!before) seen.set(n, { hash, by })
    else if (before.hash !== hash && failures.length < 20)
      failures.push(`fork at main-net height ${n}: ${before.by} had ${before.hash}, ${by} has ${hash}`)
  }
  return {
    seen,
    /** Every validator's head (in order), each head block's hash remembered. */
    async heads(): Promise<number[]> {
      return Promise.all(
        validators.map(async (v) => {
          const head = Number(await call(v.url, 'eth_blockNumber'))
          if (head > 0) remember(head, await hashAt(v, head), v.name)
          return head
        }),
      )
    },
    /** Every remembered height still has its hash on every validator (nothing finalized was replaced). */
    async recheck(): Promise<number> {
      let checked = 0
      const heights = [...seen.keys()]
      for (const v of validators) {
        const blocks = (await callBatch(
          v.url,
          'eth_getBlockByNumber',
          heights.map((n) => [`0x${n.toString(16)}`, false]),
        )) as { hash: Hex }[]
        for (const [i, n] of heights.entries()) {
          remember(n, (blocks[i] as { hash: Hex }).hash, v.name)
          checked++
        }
      }
      return checked
    },
  }
}

/**
 * partition: main-net validators (4 by default, `--validators N` for more; the full run adds 2 SPNs settling
 * through validator 0) each in its own Linux network namespace, joined by veths to one bridge (`netLab.ts`);
 * value transfers flow to validators on both sides, and messages both ways between the SPNs.
 * Each shape cuts the data network (2|2: no side has more than 2/3 of the power, so no side may finalize;
 * 1|3: the lone validator may not, the three must keep finalizing), then heals it: every validator must
 * pass the highest head within a bound. Then every acknowledged transfer is in exactly one block with exact
 * balances, every validator has one hash per height, no height ever seen changed its hash, and (full run,
 * after spn1 was cut from the main net and healed: `cutSPN`) every message is delivered once. Skips (with
 * the reason) where network namespaces cannot be made (not root, no `ip`).
 */
export const partition: Scenario = {
  name: 'partition',
  describe:
    'validators in Linux network namespaces partitioned 2|2 and 1|3 under traffic, then healed: no fork, minority stalls, majority finalizes, nothing acknowledged lost',
  async run(o: ScenarioOptions): Promise<ScenarioResult> {
    const started = performance.now()
    const figures: Record<string, number | string> = {}
    const failures: string[] = []
    // Liveness (the majority finalizes, progress after heal, acknowledged transfers included): failures of
    // the full soak; the quick one (npm test, a shared machine where the main net can crawl) reports them.
    const stalls: string[] = []
    const result = (): ScenarioResult => ({
      scenario: 'partition',
      ok: failures.length === 0,
      seconds: (performance.now() - started) / 1000,
      figures,
      failures,
    })
    const prefix = `mp${process.pid % 100_000}`
    const skipped = netnsUnavailable(prefix)
    if (skipped) {
      figures.skipped = skipped
      o.log(`partition: skipped: ${skipped}`)
      return result()
    }
    const count = Math.max(4, o.validators ?? 4)
    const q = Math.floor(count / 4)
    const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i)
    // 2|2 (halves), 1|3 (a quarter alone); the full soak also cuts other validators off
    const shapes: Shape[] = [
      [range(0, Math.floor(count / 2)), range(Math.floor(count / 2), count)],
      [range(0, q), range(q, count)],
      ...(o.quick
        ? []
        : [
            [range(count - q, count), range(0, count - q)],
            [range(0, count).filter((i) => i % 2 === 0), range(0, count).filter((i) => i % 2 === 1)],
          ]),
    ]
    // the full soak adds 2 SPNs (settling through validator 0, messages both ways) and cuts spn1 off
    const spns = o.quick ? 0 : 2
    const phaseMs = o.quick ? 5_000 : 30_000
    const clock = createPhaseClock()
    const resumeBoundMs = o.quick ? 60_000 : 90_000
    let mesh: LabMesh | undefined
    try {
      ensureBuilt(o.log)
      const dir = join(o.workDir, 'partition')
      mesh = await startLabMesh({
        dir,
        prefix,
        validators: count,
        spns,
        blockTimeMs: 250,
        settleIntervalMs: 2000,
        log: o.log,
      })
      clock.mark('mesh start')
      const up = mesh
      const validators = mesh.nodes.filter((n) => n.kind === 'mainnet')
      const spnIndexes = mesh.nodes.filter((n) => n.kind === 'spn').map((n) => n.index)
      // SPNs stay with validator 0 (their main-net RPC endpoint)
      const cut = (shape: Shape) =>
        up.lab.partition(shape.map((g) => (g.includes(0) ? [...g, ...spnIndexes] : g)))
      const watch = createHeadWatch(validators, failures)
      await until(
        async () => (await watch.heads()).every((h) => h >= 2),
        300_000,
        'every validator at height 2',
      )
      clock.mark('height 2')
      // traffic: one sender per side of every shape (validator 0 and the last one), fresh recipients
      const sent: SentTx[] = []
      let running = true
      const keys = devAccounts(10).map((a) => a.privateKey as Hex)
      const recipient = (i: number) =>
        privateKeyToAccount(`0x${(0xbad0000n + BigInt(i)).toString(16).padStart(64, '0')}` as Hex).address
      const targets = [validators[0], validators.at(-1)] as LabMeshNode[]
      const senders: Promise<void>[] = targets.map((v, i) =>
        startSender({
          net: { name: v.name, chainId: v.chainId, spnId: 0n, url: () => v.url },
          key: keys[8 + i] as Hex,
          kind: 'value',
          recipients: [recipient(i * 10), recipient(i * 10 + 1)],
          sent,
          isRunning: () => running,
          intervalMs: 250,
        }),
      )
      const nets = spnNetworks(mesh)
      senders.push(...startMessages(nets, keys[3] as Hex, sent, () => running))
      const power = validators.length
      // Bounds scale with the pace measured whole just before each cut (the time per block), so a machine
      // loaded by other work stretches them instead of failing them: never below the fixed figure.
      let paceMs = 0
      const bound = (fixedMs: number, blocks: number) => Math.max(fixedMs, blocks * paceMs)
      for (const shape of shapes) {
        const name = label(shape)
        const paceFrom = { head: Math.max(...(await watch.heads())), at: performance.now() }
        const paced = await until(
          async () => Math.max(...(await watch.heads())) >= paceFrom.head + 2,
          300_000,
          `2 blocks before cutting ${name}`,
        ).catch((err: Error) => stalls.push(`before ${name}: ${err.message}`))
        if (paced !== true) break
        clock.mark(`pace ${name}`)
        paceMs = (performance.now() - paceFrom.at) / 2
        figures[`${name} pace before cut s`] = (paceMs / 1000).toFixed(2)
        const atCut = await watch.heads()
        const cutTop = Math.max(...atCut)
        cut(shape)
        const cutS = Math.floor(Date.now() / 1000)
        o.log(`partition: cut ${name} at height ${cutTop}`)
        const majority = shape.find((g) => g.length * 3 > power * 2) ?? []
        const phaseEnd = Date.now() + phaseMs
        // the majority (if any) keeps finalizing: 3 more blocks on each of its validators
        let majorityGained = 0
        if (majority.length)
          await until(
            async () => {
              const hs = await watch.heads()
              majorityGained = Math.min(...majority.map((i) => hs[i] as number)) - cutTop
              return majorityGained >= 3
            },
            bound(Math.max(phaseMs, 60_000), 12),
            `the ${majority.length} validators of ${name} to finalize 3 blocks`,
          ).catch((err: Error) => stalls.push(`${name}: majority stalled: ${err.message}`))
        await sleep(Math.max(0, phaseEnd - Date.now()))
        clock.mark(`cut ${name}`)
        const atEnd = await watch.heads()
        // A minority side finalizes nothing proposed after the cut: a block it holds whose timestamp (the
        // proposer's clock, at most MAX_LEAD_S ahead) is past the cut needed a vote from across it. Heads
        // read at the cut can lag on a loaded node (blocks decided before the cut are still being applied),
        // so the count past the reported head is a figure, the timestamps the verdict.
        let minorityBlocks = 0
        for (const group of shape) {
          if (group === majority) continue
          for (const i of group) {
            const v = validators[i] as LabMeshNode
            for (
              let n = Math.min(...group.map((j) => atCut[j] as number)) + 1;
              n <= (atEnd[i] as number);
              n++
            ) {
              const b = await call(v.url, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false])
              if (Number(b.timestamp) > cutS + MAX_LEAD_S)
                failures.push(
                  `${name}: minority validator ${v.name} finalized block ${n} proposed after the cut (timestamp ${Number(b.timestamp)}, cut at ${cutS})`,
                )
            }
          }
          minorityBlocks = Math.max(
            minorityBlocks,
            Math.max(...group.map((i) => atEnd[i] as number)) - cutTop,
          )
        }
        figures[`${name} minority blocks past reported head`] = minorityBlocks
        figures[`${name} majority blocks`] = majority.length ? majorityGained : 'none (no side > 2/3)'
        // heal: every validator passes the highest head seen
        mesh.lab.heal()
        const healed = performance.now()
        const target = Math.max(...atEnd) + 2
        const resumeMs = bound(resumeBoundMs, 10)
        await until(
          async () => (await watch.heads()).every((h) => h >= target),
          resumeMs,
          `every validator past height ${target} after healing ${name}`,
        ).then(
          () => {
            figures[`${name} resumed after s`] = ((performance.now() - healed) / 1000).toFixed(1)
          },
          (err: Error) => {
            figures[`${name} resumed after s`] = `> ${(resumeMs / 1000).toFixed(0)}`
            stalls.push(`${name}: no progress after heal: ${err.message}; heads ${atEnd.join(',')}`)
          },
        )
        clock.mark(`heal ${name}`)
        o.log(`partition: healed ${name}; heads ${(await watch.heads()).join(',')}`)
      }
      const spn1 = mesh.nodes.find((n) => n.name === 'spn1')
      if (spn1) await cutSPN(mesh, spn1, { phaseMs, resumeBoundMs: 300_000, log: o.log }, figures, failures)
      await sleep(o.quick ? 1_000 : 2_000)
      running = false
      await Promise.all(senders)
      const acked = sent.filter((t) => t.acked)
      // every acknowledged transfer included (once), balances exact
      const checker = validators[1] as LabMeshNode
      // inclusion from the blocks themselves (one scan per network, resumed where it stopped): cheaper than a
      // receipt per transfer on a loaded machine, and the count per hash is the exactly-once check
      const counts = new Map<Hex, number>()
      const scannedTo = new Map<string, number>()
      const scan = async (url: string): Promise<number> => {
        const head = Number(await call(url, 'eth_blockNumber'))
        const from = (scannedTo.get(url) ?? 0) + 1
        const heights = Array.from({ length: Math.max(0, head - from + 1) }, (_, i) => [
          `0x${(from + i).toString(16)}`,
          false,
        ])
        for (const b of await callBatch(url, 'eth_getBlockByNumber', heights))
          for (const h of b.transactions as Hex[]) counts.set(h, (counts.get(h) ?? 0) + 1)
        scannedTo.set(url, head)
        return head
      }
      const urls = [checker.url, ...nets.map((n) => n.url())]
      await until(
        async () => {
          for (const url of urls) await scan(url)
          return acked.every((t) => counts.has(t.hash))
        },
        bound(120_000, 40),
        'every acknowledged transfer in a block',
      ).catch(() => undefined)
      clock.mark('inclusion')
      const included = new Set(sent.filter((t) => counts.has(t.hash)).map((t) => t.hash))
      const lost = acked.filter((t) => !included.has(t.hash))
      const balanceBlock = `0x${(scannedTo.get(checker.url) ?? 0).toString(16)}`
      const twice = [...counts].filter(([, c]) => c > 1)
      const expected = new Map<Hex, bigint>()
      for (const t of sent)
        if (t.kind === 'value' && included.has(t.hash))
          expected.set(t.to, (expected.get(t.to) ?? 0n) + t.amount)
      const wrong: string[] = []
      for (const [to, amount] of expected) {
        const got = BigInt(await call(checker.url, 'eth_getBalance', [to, balanceBlock]))
        if (got !== amount) wrong.push(`balance of ${to}: ${got}, expected ${amount}`)
      }
      const agreement = await validatorAgreement(
        validators.map((v) => ({ name: v.name, url: () => v.url })),
        120_000,
      )
      failures.push(...agreement.failures)
      const rechecked = await watch.recheck()
      const messages = sent.filter((t) => t.kind === 'message' && included.has(t.hash))
      const delivery = await awaitDelivery(nets, messages, 600_000)
      clock.mark('agreement+delivery')
      Object.assign(figures, {
        validators: count,
        shapes: shapes.map(label).join(' '),
        'phase s': phaseMs / 1000,
        'txs sent': sent.length,
        'txs acknowledged': acked.length,
        'acked txs lost': lost.length,
        'txs in two blocks': twice.length,
        'wrong balances': wrong.length,
        'heights agreed': agreement.heights,
        'finalized hashes rechecked': rechecked,
        ...(nets.length
          ? { 'messages included': messages.length, 'delivered once': delivery.delivered }
          : {}),
      })
      if (delivery.undelivered.length)
        failures.push(
          `${delivery.undelivered.length} messages not delivered exactly once: ${delivery.undelivered.slice(0, 5).join('; ')}`,
        )
      if (delivery.twice.length) failures.push(`messages in an inbox twice: ${delivery.twice.slice(0, 5)}`)
      if (lost.length)
        stalls.push(
          `acknowledged transfers not in a block: ${lost.slice(0, 5).map((t) => `${t.network} ${t.hash}`)}`,
        )
      if (twice.length) failures.push(`transfers in two blocks: ${twice.slice(0, 5).map(([h]) => h)}`)
      failures.push(...wrong.slice(0, 5))
    } catch (err) {
      failures.push(`scenario aborted: ${(err as Error).message.slice(0, 2000)}`)
    } finally {
      await mesh?.stop()
      clock.mark('stop')
      figures['time s'] = clock.figure()
    }
    if (o.quick && !quickLivenessAsserted())
      figures['liveness (MESH_SOAK_LIVENESS=0: reported only)'] = stalls.join('; ').slice(0, 600) || 'held'
    else {
      figures.liveness = stalls.length ? `${stalls.length} stalls` : 'held'
      failures.push(...stalls)
    }
    o.log(`partition: ${failures.length ? 'FAIL' : 'held'} ${JSON.stringify(figures)}`)
    return result()
  },
}
