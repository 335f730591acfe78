/**
 * Where a user-mode transaction's time goes (`bench:spn --mode user`), measured from the client side so the
 * same breakdown holds for anvil: for each transaction the post of its batch, the batch's answer, the block
 * that holds it (its receipt) and the moment its sender's viem client got the receipt; for each block the
 * moment its header reached a `newHeads` subscriber (the node announces a block once it is committed).
 *
 * Stages of one transaction (medians and p99 over all of them):
 * - `accept`: batch posted → batch answered (HTTP, decode, pool admission, durable before the answer);
 * - `toBlock`: answered → its block's header announced (pool wait, block selection, execution, commit);
 * - `toClient`: the later of the answer and the announcement → receipt in the sender's hands (visibility
 *   to the RPC readers, the client's polling cadence, and its wait for its earlier transactions: a sender
 *   waits in nonce order). A block may be announced before its transactions' batch is answered (the pool
 *   hands them to a block before their answer is sent): `toBlock` is then negative.
 */

import WebSocket from 'ws'

export type TxTimes = { postedAt: number; ackedAt?: number; block?: number; seenAt?: number }

/** Watches `newHeads` on `wsUrl`: the `performance.now()` each block number was first announced. */
export type HeadWatch = {
  readonly seen: Map<number, number>
  close(): void
}

/**
 * Subscribes to `newHeads`; resolves once the subscription is confirmed (so no block of the run is missed).
 *
 * @example
 * ```ts
 * const heads = await watchHeads('ws://127.0.0.1:8546')
 * heads.seen.get(12) // performance.now() when block 12 was announced
 * heads.close()
 * ```
 */
export async function watchHeads(wsUrl: string): Promise<HeadWatch> {
  const seen = new Map<number, number>()
  const ws = new WebSocket(wsUrl)
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject)
    ws.once('open', () => {
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] }))
    })
    ws.on('message', (data: Buffer) => {
      const at = performance.now()
      const msg = JSON.parse(data.toString()) as {
        id?: number
        result?: unknown
        error?: { message: string }
        params?: { result?: { number?: string } }
      }
      if (msg.id === 1) {
        if (msg.error) reject(new Error(`eth_subscribe: ${msg.error.message}`))
        else resolve()
        return
      }
      const n = msg.params?.result?.number
      if (n !== undefined && !seen.has(Number(n))) seen.set(Number(n), at)
    })
  })
  return { seen, close: () => ws.close() }
}

/** The `p`-th percentile of `xs` (nearest rank; 0 for none). */
export const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0
}

/**
 * The table columns of the stage breakdown: p50/p99 ms of each stage, the blocks that held the run's
 * transactions, their mean transactions and the mean and widest gap between their announcements.
 */
export function stageBreakdown(txs: Iterable<TxTimes>, heads: Map<number, number>): Record<string, number> {
  const accept: number[] = []
  const toBlock: number[] = []
  const toClient: number[] = []
  const blocks = new Map<number, number>()
  for (const t of txs) {
    if (t.ackedAt === undefined || t.block === undefined || t.seenAt === undefined) continue
    blocks.set(t.block, (blocks.get(t.block) ?? 0) + 1)
    accept.push(t.ackedAt - t.postedAt)
    const head = heads.get(t.block)
    if (head === undefined) continue
    toBlock.push(head - t.ackedAt)
    toClient.push(t.seenAt - Math.max(head, t.ackedAt))
  }
  const nums = [...blocks.keys()].sort((a, b) => a - b)
  const times = nums.map((n) => heads.get(n)).filter((x): x is number => x !== undefined)
  const gaps = times.slice(1).map((x, i) => x - times[i]!)
  return {
    acceptP50Ms: percentile(accept, 50),
    acceptP99Ms: percentile(accept, 99),
    toBlockP50Ms: percentile(toBlock, 50),
    toBlockP99Ms: percentile(toBlock, 99),
    toClientP50Ms: percentile(toClient, 50),
    toClientP99Ms: percentile(toClient, 99),
    blocks: nums.length,
    txsPerBlock: nums.length ? accept.length / nums.length : 0,
    blockGapMeanMs: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0,
    blockGapMaxMs: gaps.length ? Math.max(...gaps) : 0,
  }
}

/** Column names `stageBreakdown` fills, in table order. */
export const STAGE_BREAKDOWN_COLUMNS = [
  'acceptP50Ms',
  'acceptP99Ms',
  'toBlockP50Ms',
  'toBlockP99Ms',
  'toClientP50Ms',
  'toClientP99Ms',
  'blocks',
  'txsPerBlock',
  'blockGapMeanMs',
  'blockGapMaxMs',
] as const

/**
 * A `fetch` for viem's http transport that counts the JSON-RPC requests the clients send, by method
 * (a cheap scan of the body: `"method":"…"`).
 */
export function countingFetch(counts: Map<string, number>): typeof fetch {
  const re = /"method":"(\w+)"/g
  return (input, init) => {
    const body = typeof init?.body === 'string' ? init.body : ''
    for (const m of body.matchAll(re)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1)
    return fetch(input, init)
  }
}
