/**
 * User mode's measured workload on one node: `txs` pre-signed token transfers (round-robin over the
 * senders, a fresh recipient each) posted as JSON-RPC batches (`inflight` posters); every sender waits for
 * each of its transactions, in nonce order, with viem's `waitForTransactionReceipt` on its own public client
 * (`pollingInterval: 100`), as a viem app would. Reported: tx/s (first post to last receipt seen), CPU
 * seconds per transaction of the node's process tree (/proc), receipt latency p50/p99 (post of the
 * transaction's batch to its receipt seen by its sender), the stage breakdown, the node's stage busy
 * fractions and, for a mesh, the CPU of all its nodes and the settlements proved in the window.
 *
 * It checks that the run did what it claims: a rejected post fails the run at once (its sender would
 * otherwise wait for a receipt that never comes), and afterwards (not measured) every receipt succeeded and
 * every sender's token balance is down by exactly its transfers. Nonces start at each sender's pending
 * count, so a chain the senders used before works too.
 */
import '@rollup-mesh/core/polyfill' // Promise.withResolvers on this Node
import { type Address, createPublicClient, encodeFunctionData, type Hex, http, keccak256 } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { type Json, req, rpc } from './jsonRpc.js'
import { nodeCounters, stageColumns } from './nodeCounters.js'
import { cpuSecondsOf } from './procCpu.js'
import { settlementsIn } from './settlementsIn.js'
import type { Target } from './target.js'
import { benchTx, deployAndFund } from './tokenSetup.js'
import { countingFetch, percentile, stageBreakdown, type TxTimes, watchHeads } from './txStages.js'
import { UserModeError } from './userModeError.js'
import type { UserToken } from './userToken.js'

export type UserWorkloadOptions = {
  /** Transfers in the measured run. */
  txs: number
  /**
   * Transfers of an unmeasured run first, through the same path on the same target (its own token): the
   * benchmark client's JIT and the node's are warm for the measured run, whichever target runs first.
   */
  warmup?: number | undefined
  /** Transactions per `eth_sendRawTransaction` batch. */
  batch: number
  /** Batches in flight at once. */
  inflight: number
}

/** The run's measurements (the table's rows) and the token it used. */
export type UserWorkloadResult = { token: Address; row: Record<string, number> }

/** Fresh recipient of the n-th transfer. */
const recipientOf = (n: number): Address => `0x${(0xbe0000 + n).toString(16).padStart(40, '0')}`

/**
 * Deploys and funds `token` on `t` for the senders `keys`, then measures the transfers.
 *
 * @example
 * ```ts
 * const token = await loadUserToken(root, 'wasm-token')
 * const { row } = await runUserWorkload({ txs: 300, batch: 100, inflight: 2 }, target, token, keys)
 * row.txPerSec // transfers per second, first post to last receipt in its sender's viem client
 * ```
 */
export async function runUserWorkload(
  o: UserWorkloadOptions,
  t: Target,
  token: UserToken,
  keys: readonly Hex[],
): Promise<UserWorkloadResult> {
  if (!Number.isInteger(o.txs) || o.txs < 1)
    throw new UserModeError(`--txs: expected a positive integer, got ${o.txs}.`)
  if (keys.length < 1) throw new UserModeError('--senders: expected at least 1 sender.')
  if (o.warmup) await runUserWorkload({ ...o, txs: o.warmup, warmup: 0 }, t, token, keys)
  const address = await deployAndFund(t, token, keys)
  const nonces = await batchResults(
    t,
    'eth_getTransactionCount',
    (i) => [privateKeyToAddress(keys[i]!), 'pending'],
    keys.length,
  )
  const balances0 = await balancesOf(t, token, address, keys)

  // Pre-signed transfers, round-robin over senders, fresh recipients.
  const perSender: Hex[][] = keys.map(() => [])
  const all: { raw: Hex; hash: Hex }[] = []
  for (let n = 0; all.length < o.txs; n++) {
    const i = n % keys.length
    const raw = benchTx(t, Number(nonces[i]) + perSender[i]!.length, keys[i]!, {
      gas: token.transferGas,
      to: address,
      data: encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [recipientOf(n), 1n] }),
    })
    const hash = keccak256(raw)
    perSender[i]!.push(hash)
    all.push({ raw, hash })
  }
  const times = new Map<Hex, TxTimes>()
  /** Settles once the transaction's batch is answered: with the node's error message if it was rejected. */
  const posted = new Map<Hex, PromiseWithResolvers<string | undefined>>()
  for (const { hash } of all) posted.set(hash, Promise.withResolvers<string | undefined>())
  const heads = await watchHeads(t.wsUrl)
  const requests = new Map<string, number>()
  const fetchFn = countingFetch(requests)

  const counters0 = await nodeCounters(t.url)
  const cpu0 = cpuSecondsOf(t.pids)
  const meshCpu0 = cpuSecondsOf(t.allPids)
  const client0 = process.cpuUsage()
  const wall0 = Date.now()
  const t0 = performance.now()
  let rejected = 0
  let retried = 0
  let next = 0
  const poster = async () => {
    while (next < all.length && !failed) {
      const slice = all.slice(next, next + o.batch)
      next += o.batch
      const at = performance.now()
      for (const { hash } of slice) times.set(hash, { postedAt: at })
      const body = slice.map(({ raw }, j) => req('eth_sendRawTransaction', [raw], j))
      // A dropped connection is retried, as viem's transport does (3 times); a transaction that got in on
      // an earlier try answers `already known` or, once mined, `nonce too low`.
      let r: Json
      for (let attempt = 0; ; attempt++) {
        try {
          r = await rpc(t.url, body)
          break
        } catch (err) {
          if (attempt === 3) throw err
          retried++
        }
      }
      const errors = new Map<number, string>()
      for (const x of r)
        if (x.error && (retried === 0 || !/already known|nonce too low/.test(x.error.message))) {
          rejected++
          errors.set(Number(x.id), x.error.message)
        }
      const acked = performance.now()
      slice.forEach(({ hash }, j) => {
        times.get(hash)!.ackedAt = acked
        posted.get(hash)!.resolve(errors.get(j))
      })
    }
  }
  const latencies: number[] = []
  const reverted: Hex[] = []
  const sender = async (hashes: Hex[]) => {
    // One viem client per sender, as one app per user: its own block-number polling every 100 ms.
    const client = createPublicClient({
      transport: http(t.url, { timeout: 60_000, fetchFn }),
      pollingInterval: 100,
    })
    for (const hash of hashes) {
      const error = await posted.get(hash)!.promise
      if (error !== undefined)
        throw new UserModeError(`${t.name} rejected ${token.label} transfer ${hash}: ${error}`, [
          `- Its sender's later transfers cannot land either; ${rejected} rejected so far.`,
        ])
      if (failed) return
      const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 100, timeout: 900_000 })
      const tt = times.get(hash)!
      tt.seenAt = performance.now()
      tt.block = Number(receipt.blockNumber)
      latencies.push(tt.seenAt - tt.postedAt)
      if (receipt.status !== 'success') reverted.push(hash)
    }
  }
  // The first failure ends the run; the other senders stop before their next wait.
  let failed = false
  await Promise.all([
    ...Array.from({ length: o.inflight }, poster),
    ...perSender.map((hashes) => sender(hashes)),
  ]).catch((err: unknown) => {
    failed = true
    heads.close()
    throw err
  })
  const seconds = (performance.now() - t0) / 1000
  heads.close()
  const cpu = cpuSecondsOf(t.pids) - cpu0
  const meshCpu = cpuSecondsOf(t.allPids) - meshCpu0
  const client = process.cpuUsage(client0)
  const settled = t.logFile ? settlementsIn(t.logFile, wall0, Date.now()) : undefined
  const stages = stageColumns(counters0, await nodeCounters(t.url), seconds)

  if (reverted.length)
    throw new UserModeError(
      `${reverted.length} of ${o.txs} ${token.label} transfers reverted on ${t.name}.`,
      [`- First: ${reverted[0]} (gas limit ${token.transferGas}: see transferGas in userToken.ts).`],
    )
  const balances = await balancesOf(t, token, address, keys)
  balances.forEach((b, i) => {
    const sent = BigInt(perSender[i]!.length)
    if (b !== balances0[i]! - sent)
      throw new UserModeError(
        `Sender ${i}'s ${token.label} balance on ${t.name} does not add up after the run.`,
        [
          `- Expected ${balances0[i]! - sent} (${balances0[i]} before, less ${sent} transfers of 1), got ${b}.`,
        ],
      )
  })

  return {
    token: address,
    row: {
      txs: o.txs,
      rejected,
      retriedPosts: retried,
      seconds,
      txPerSec: o.txs / seconds,
      cpuSeconds: cpu,
      cpuMsPerTx: (cpu * 1000) / o.txs,
      ...(t.allPids.length > 1 ? { meshCpuSeconds: meshCpu } : {}),
      clientCpuSeconds: (client.user + client.system) / 1e6,
      receiptP50Ms: percentile(latencies, 50),
      receiptP99Ms: percentile(latencies, 99),
      ...(settled
        ? { settlements: settled.count, settlementsProved: settled.proved, proveMsMean: settled.meanProveMs }
        : {}),
      ...stages,
      ...stageBreakdown(times.values(), heads.seen),
      clientRequestsPerTx: [...requests.values()].reduce((a, b) => a + b, 0) / o.txs,
      ...Object.fromEntries([...requests].map(([m, n]) => [`req_${m}`, n / o.txs])),
    },
  }
}

/** One JSON-RPC batch of `count` calls of `method`; their results in order (any error throws). */
async function batchResults(
  t: Target,
  method: string,
  params: (i: number) => unknown[],
  count: number,
): Promise<Json[]> {
  const replies: Json[] = await rpc(
    t.url,
    Array.from({ length: count }, (_, i) => req(method, params(i), i)),
  )
  const out: Json[] = new Array(count)
  for (const r of replies) {
    if (r.error) throw new UserModeError(`${method} failed on ${t.name}: ${r.error.message}`)
    out[Number(r.id)] = r.result
  }
  return out
}

/** Every sender's token balance (`balanceOf` by `eth_call`, one batch). */
async function balancesOf(
  t: Target,
  token: UserToken,
  address: Address,
  keys: readonly Hex[],
): Promise<bigint[]> {
  const results = await batchResults(
    t,
    'eth_call',
    (i) => [
      {
        to: address,
        data: encodeFunctionData({
          abi: token.abi,
          functionName: 'balanceOf',
          args: [privateKeyToAddress(keys[i]!)],
        }),
      },
      'latest',
    ],
    keys.length,
  )
  return results.map((r) => BigInt(r))
}
