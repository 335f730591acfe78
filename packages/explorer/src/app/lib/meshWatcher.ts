import { hexToNum } from './format.js'
import { rpc } from './rpc.js'
import { type BlockSample, pruneSamples } from './tps.js'
import type { InboxEntry, Network, RPCBlock, SentMessage, SettlementJSON } from './types.js'

/** What the page knows about one network, refreshed by `MeshWatcher`. */
export type NetworkView = {
  network: Network
  height?: number
  headTime?: number
  peers?: number
  mempool?: number
  samples: BlockSample[]
  error?: string
  settlements: SettlementJSON[]
  sent: SentMessage[]
  inbox: InboxEntry[]
}

/** A link of the topology that just carried something: a settlement (SPN → main net) or a message (SPN → SPN). */
export type FlowEvent = {
  kind: 'settlement' | 'message'
  from: string
  to: string
  at: number
  label: string
}

/** Seconds of blocks kept per network (the TPS chart's window). */
export const KEEP_SECONDS = 300

/**
 * Follows every network of the mesh over JSON-RPC: its head and the blocks since (for height, block time and
 * TPS), its peers and pool (`mesh_nodeInfo`), and for each SPN its settlements, sent messages and inbox
 * (`mesh_getSettlements`, `mesh_getMessages`, `mesh_getInbox`). New settlements and messages become
 * `FlowEvent`s for the topology view. Listeners run after every refresh.
 */
export class MeshWatcher {
  readonly views: NetworkView[]
  readonly flows: FlowEvent[] = []
  #listeners = new Set<() => void>()
  #timers: ReturnType<typeof setTimeout>[] = []
  #stopped = false
  #started = false
  /** SPNs read once: only what appears after that is a flow (not the history found at start). */
  #primed = new WeakSet<NetworkView>()

  constructor(networks: Network[]) {
    this.views = networks.map((network) => ({ network, samples: [], settlements: [], sent: [], inbox: [] }))
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  start(): void {
    if (this.#started) return
    this.#started = true
    for (const view of this.views) {
      // the head first, alone: a node answers one request at a time, and the overview's first paint
      // waits on every network's height; peers, settlements, messages and inbox follow its first answer
      this.#loop(
        () => this.#refreshHead(view),
        1000,
        () => {
          this.#loop(() => this.#refreshInfo(view), 3000)
          if (view.network.kind === 'spn') this.#loop(() => this.#refreshSPN(view), 1500)
        },
      )
    }
  }

  stop(): void {
    this.#stopped = true
    for (const t of this.#timers) clearTimeout(t)
  }

  #emit() {
    for (const l of this.#listeners) l()
  }

  #loop(step: () => Promise<void>, everyMs: number, afterFirst?: () => void) {
    let first = true
    const run = async () => {
      if (this.#stopped) return
      await step().catch(() => undefined)
      this.#emit()
      if (first && afterFirst && !this.#stopped) afterFirst()
      first = false
      if (!this.#stopped) this.#timers.push(setTimeout(run, everyMs))
    }
    void run()
  }

  async #refreshHead(view: NetworkView) {
    const url = view.network.rpcUrl
    try {
      const head = await rpc<RPCBlock>(url, 'eth_getBlockByNumber', ['latest', false])
      const number = hexToNum(head.number)
      // the height first (the overview's first paint), then the blocks since the last one seen
      view.height = number
      view.headTime = hexToNum(head.timestamp)
      delete view.error
      this.#emit()
      const known = view.samples.at(-1)?.number ?? -1
      const from = Math.max(known + 1, number - 60, 0)
      const fetched = await Promise.all(
        Array.from({ length: Math.max(0, number - from) }, (_, i) =>
          rpc<RPCBlock | null>(url, 'eth_getBlockByNumber', [`0x${(from + i).toString(16)}`, false]),
        ),
      )
      const blocks = [...fetched.filter((b): b is RPCBlock => b !== null), head]
      view.samples = pruneSamples(
        [
          ...view.samples,
          ...blocks.map((b) => ({
            number: hexToNum(b.number),
            timestamp: hexToNum(b.timestamp),
            txCount: b.transactions.length,
          })),
        ],
        KEEP_SECONDS,
      )
    } catch (err) {
      view.error = (err as Error).message
    }
  }

  async #refreshInfo(view: NetworkView) {
    const info = await rpc<{ peers?: unknown[]; mempool?: { pending?: number } }>(
      view.network.rpcUrl,
      'mesh_nodeInfo',
    )
    view.peers = Array.isArray(info.peers) ? info.peers.length : undefined
    view.mempool = info.mempool?.pending
  }

  async #refreshSPN(view: NetworkView) {
    const url = view.network.rpcUrl
    const next = (view.sent.at(-1)?.position ?? -1) + 1
    const [settlements, sent, inbox] = await Promise.all([
      rpc<SettlementJSON[]>(url, 'mesh_getSettlements', []),
      rpc<SentMessage[]>(url, 'mesh_getMessages', [next]),
      rpc<InboxEntry[]>(url, 'mesh_getInbox', []),
    ])
    const now = Date.now()
    const mainnet = this.views.find((v) => v.network.kind === 'mainnet')?.network.name ?? 'mainnet'
    const wasAccepted = new Set(view.settlements.filter((s) => s.status === 'accepted').map((s) => s.batch))
    const primed = this.#primed.has(view)
    this.#primed.add(view)
    if (primed)
      for (const s of settlements)
        if (s.status === 'accepted' && !wasAccepted.has(s.batch))
          this.#flow({
            kind: 'settlement',
            from: view.network.name,
            to: mainnet,
            at: now,
            label: `#${s.batch}`,
          })
    if (primed)
      for (const m of sent)
        this.#flow({
          kind: 'message',
          from: view.network.name,
          to: `spn${hexToNum(m.dstSpn)}`,
          at: now,
          label: `msg ${m.position}`,
        })
    view.settlements = settlements
    view.sent = [...view.sent, ...sent]
    view.inbox = inbox
  }

  #flow(e: FlowEvent) {
    this.flows.push(e)
    if (this.flows.length > 200) this.flows.splice(0, this.flows.length - 200)
  }
}
