import type { Hex } from 'viem'
import type { ClientNetwork, SentTx } from './crashClients.js'
import { until } from './processes.js'
import { call } from './rpcClient.js'

/** How the included cross-network messages stand in their destinations' inboxes. */
export type DeliveryReport = {
  /** Messages whose tag is in its destination's inbox exactly once, delivered. */
  delivered: number
  /** Each message not (yet) delivered exactly once: `src→dst tag (statuses)`. */
  undelivered: string[]
  /** Each message in an inbox more than once. */
  twice: string[]
}

/**
 * Polls every network's inbox (`mesh_getInbox`) until each of `messages` (included `message` transfers, tag
 * in `data`) is delivered exactly once at its destination, or `timeoutMs` passes; returns the last look.
 * With `stallMs`, the wait goes on past `timeoutMs` while deliveries keep coming (a new one at least every
 * `stallMs`), up to `maxMs`: on a loaded machine each settlement proof takes ~30 s and the SPNs' batches
 * queue behind one another, so the backlog drains slowly but steadily (test/soak/README.md).
 */
export async function awaitDelivery(
  nets: readonly ClientNetwork[],
  messages: readonly SentTx[],
  timeoutMs: number,
  progress?: { stallMs: number; maxMs: number },
): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: 0, undelivered: [], twice: [] }
  const start = Date.now()
  let lastProgress = start
  let best = -1
  for (;;) {
    await look()
    if (report.undelivered.length === 0) break
    if (report.delivered > best) {
      best = report.delivered
      lastProgress = Date.now()
    }
    const now = Date.now()
    const past = now - start >= timeoutMs
    if (past && (!progress || now - lastProgress >= progress.stallMs || now - start >= progress.maxMs)) break
  }
  return report

  async function look(): Promise<void> {
    await until(
      async () => {
        const delivered: string[] = []
        const undelivered: string[] = []
        const twice: string[] = []
        for (const net of nets) {
          const inbox = (await call(net.url(), 'mesh_getInbox', [])) as { data: Hex; status: string }[]
          const byTag = new Map<string, string[]>()
          for (const m of inbox)
            byTag.set(m.data.toLowerCase(), [...(byTag.get(m.data.toLowerCase()) ?? []), m.status])
          for (const t of messages.filter((x) => x.dstSpn === net.spnId)) {
            const st = byTag.get((t.tag as Hex).toLowerCase()) ?? []
            if (st.length > 1) twice.push(`${t.tag} ×${st.length}`)
            if (st.filter((s) => s === 'delivered').length === 1) delivered.push(t.hash)
            else undelivered.push(`${t.network}→${net.name} ${t.tag} (${st.join(',') || 'not in inbox'})`)
          }
        }
        Object.assign(report, { delivered: delivered.length, undelivered, twice })
        return undelivered.length === 0
      },
      15_000,
      'every message to be delivered',
    ).catch(() => undefined)
  }
}
