import { join } from 'node:path'
import { devAccounts } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { type SentTx, startSender } from './crashClients.js'
import { validatorAgreement } from './crashValidators.js'
import { type LabMesh, type LabMeshNode, startLabMesh } from './labMesh.js'
import { netnsUnavailable } from './netLab.js'
import { ensureBuilt, sleep, until } from './processes.js'
import { call } from './rpcClient.js'
import type { Scenario, ScenarioOptions, ScenarioResult } from './scenario.js'

type Shape = readonly (readonly number[])[]
const label = (shape: Shape) => shape.map((g) => g.join('+')).join('|')

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
      for (const [n] of seen)
        for (const v of validators) {
          remember(n, await hashAt(v, n), v.name)
          checked++
        }
      return checked
    },
  }
}

/**
 * partition: main-net validators (4 by default, `--validators N` for more) each in its own Linux network
 * namespace, joined by veths to one bridge (`netLab.ts`); value transfers flow to validators on both sides.
 * Each shape cuts the data network (2|2: no side has more than 2/3 of the power, so no side may finalize;
 * 1|3: the lone validator may not, the three must keep finalizing), then heals it: every validator must
 * pass the highest head within a bound. Then every acknowledged transfer is in exactly one block with exact
 * balances, every validator has one hash per height, and no height ever seen changed its hash. Skips (with
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
      [range(0, count / 2), range(count / 2, count)].map((g) => g.map(Math.floor)),
      [range(0, q), range(q, count)],
      ...(o.quick
        ? []
        : [
            [range(count - q, count), range(0, count - q)],
            [range(0, count).filter((i) => i % 2 === 0), range(0, count).filter((i) => i % 2 === 1)],
          ]),
    ]
    const phaseMs = o.quick ? 8_000 : 30_000
    const resumeBoundMs = o.quick ? 60_000 : 90_000
    let mesh: LabMesh | undefined
    try {
      ensureBuilt(o.log)
      const dir = join(o.workDir, 'partition')
      mesh = await startLabMesh({
        dir,
        prefix,
        validators: count,
        spns: 0,
        blockTimeMs: 250,
        settleIntervalMs: 2000,
        log: o.log,
      })
      const validators = mesh.nodes.filter((n) => n.kind === 'mainnet')
      const watch = createHeadWatch(validators, failures)
      await until(
        async () => (await watch.heads()).every((h) => h >= 2),
        120_000,
        'every validator at height 2',
      )
      // traffic: one sender per side of every shape (validator 0 and the last one), fresh recipients
      const sent: SentTx[] = []
      let running = true
      const keys = devAccounts(10).map((a) => a.privateKey as Hex)
      const recipient = (i: number) =>
        privateKeyToAccount(`0x${(0xbad0000n + BigInt(i)).toString(16).padStart(64, '0')}` as Hex).address
      const targets = [validators[0], validators.at(-1)] as LabMeshNode[]
      const senders = targets.map((v, i) =>
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
      const power = validators.length
      for (const shape of shapes) {
        const name = label(shape)
        const atCut = await watch.heads()
        const cutTop = Math.max(...atCut)
        mesh.lab.partition(shape)
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
            Math.max(phaseMs, 60_000),
            `the ${majority.length} validators of ${name} to finalize 3 blocks`,
          ).catch((err: Error) => failures.push(`${name}: majority stalled: ${err.message}`))
        await sleep(Math.max(0, phaseEnd - Date.now()))
        const atEnd = await watch.heads()
        // a minority side finalizes nothing new (one block whose precommits were already in flight at most)
        for (const group of shape) {
          if (group === majority) continue
          const top = Math.max(...group.map((i) => atEnd[i] as number))
          if (top > cutTop + 1)
            failures.push(`${name}: minority ${group.join('+')} finalized up to ${top} (cut at ${cutTop})`)
        }
        figures[`${name} majority blocks`] = majority.length ? majorityGained : 'none (no side > 2/3)'
        // heal: every validator passes the highest head seen
        mesh.lab.heal()
        const healed = performance.now()
        const target = Math.max(...atEnd) + 2
        await until(
          async () => (await watch.heads()).every((h) => h >= target),
          resumeBoundMs,
          `every validator past height ${target} after healing ${name}`,
        ).then(
          () => {
            figures[`${name} resumed after s`] = ((performance.now() - healed) / 1000).toFixed(1)
          },
          (err: Error) => {
            figures[`${name} resumed after s`] = `> ${resumeBoundMs / 1000}`
            failures.push(`${name}: no progress after heal: ${err.message}; heads ${atEnd.join(',')}`)
          },
        )
        o.log(`partition: healed ${name}; heads ${(await watch.heads()).join(',')}`)
      }
      await sleep(2_000)
      running = false
      await Promise.all(senders)
      const acked = sent.filter((t) => t.acked)
      // every acknowledged transfer included (once), balances exact
      const checker = validators[1] as LabMeshNode
      const included = new Map<Hex, number>()
      await until(
        async () => {
          for (const t of sent)
            if (!included.has(t.hash)) {
              const rc = await call(checker.url, 'eth_getTransactionReceipt', [t.hash])
              if (rc) included.set(t.hash, Number(rc.blockNumber))
            }
          return acked.every((t) => included.has(t.hash))
        },
        120_000,
        'every acknowledged transfer in a block',
      ).catch(() => undefined)
      const lost = acked.filter((t) => !included.has(t.hash))
      const counts = new Map<Hex, number>()
      const head = Number(await call(checker.url, 'eth_blockNumber'))
      for (let n = 1; n <= head; n++) {
        const b = await call(checker.url, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false])
        for (const h of b.transactions as Hex[]) counts.set(h, (counts.get(h) ?? 0) + 1)
      }
      const twice = [...counts].filter(([, c]) => c > 1)
      const expected = new Map<Hex, bigint>()
      for (const t of sent)
        if (included.has(t.hash)) expected.set(t.to, (expected.get(t.to) ?? 0n) + t.amount)
      const wrong: string[] = []
      for (const [to, amount] of expected) {
        const got = BigInt(await call(checker.url, 'eth_getBalance', [to, 'latest']))
        if (got !== amount) wrong.push(`balance of ${to}: ${got}, expected ${amount}`)
      }
      const agreement = await validatorAgreement(
        validators.map((v) => ({ name: v.name, url: () => v.url })),
        120_000,
      )
      failures.push(...agreement.failures)
      const rechecked = await watch.recheck()
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
      })
      if (lost.length)
        failures.push(`acknowledged transfers lost: ${lost.slice(0, 5).map((t) => `${t.network} ${t.hash}`)}`)
      if (twice.length) failures.push(`transfers in two blocks: ${twice.slice(0, 5).map(([h]) => h)}`)
      failures.push(...wrong.slice(0, 5))
    } catch (err) {
      failures.push(`scenario aborted: ${(err as Error).message.slice(0, 2000)}`)
    } finally {
      await mesh?.stop()
    }
    o.log(`partition: ${failures.length ? 'FAIL' : 'held'} ${JSON.stringify(figures)}`)
    return result()
  },
}
