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

/** Runs `fn` before the next paint (one frame later without a DOM): how listeners are told of refreshes. */
export type FrameScheduler = (fn: () => void) => void

const nextFrame: FrameScheduler = (fn) => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => fn())
  else setTimeout(fn, 16)
}

/**
 * Follows every network of the mesh over JSON-RPC: its head and the blocks since (for height, block time and
 * TPS), its peers and pool (`mesh_nodeInfo`), and for each SPN its settlements, sent messages and inbox
 * (`mesh_getSettlements`, `mesh_getMessages`, `mesh_getInbox`). New settlements and messages become
 * `FlowEvent`s for the topology view. Networks found later (`mesh spn add`) join with `addNetworks`.
 *
 * Listeners are told at most once per frame, however many answers arrived in it: under load the nodes
 * answer many requests a second, and the page re-renders once for all of them (`scheduleFrame`).
 *
 * @example
 * const watcher = new MeshWatcher([{ name: 'spn1', kind: 'spn', chainId: 9001, vms: ['evm'],
 *   rpcUrl: 'http://127.0.0.1:8545', wsUrl: 'ws://127.0.0.1:8545' }])
 * watcher.subscribe(() => console.log(watcher.views[0]?.height))
 * watcher.start()
 */
export class MeshWatcher {
  readonly views: NetworkView[] = []
  readonly flows: FlowEvent[] = []
  #listeners = new Set<() => void>()
  #timers = new Set<ReturnType<typeof setTimeout>>()
  #stopped = false
  #started = false
  #emitPending = false
  #scheduleFrame: FrameScheduler
  /** SPNs read once: only what appears after that is a flow (not the history found at start). */
  #primed = new WeakSet<NetworkView>()

  constructor(networks: Network[], options: { scheduleFrame?: FrameScheduler } = {}) {
    this.#scheduleFrame = options.scheduleFrame ?? nextFrame
    this.addNetworks(networks)
  }

  /** The networks followed, in the order they were found. */
  get networks(): Network[] {
    return this.views.map((v) => v.network)
  }

  /**
   * Follows the networks not yet followed (by name; a known name is left as it is) and returns them; a
   * started watcher starts polling them at once.
   */
  addNetworks(networks: readonly Network[]): Network[] {
    const added: Network[] = []
    for (const network of networks) {
      if (this.views.some((v) => v.network.name === network.name)) continue
      const view: NetworkView = { network, samples: [], settlements: [], sent: [], inbox: [] }
      this.views.push(view)
      added.push(network)
      if (this.#started && !this.#stopped) this.#follow(view)
    }
    if (added.length > 0) this.#emit()
    return added
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  start(): void {
    if (this.#started) return
    this.#started = true
    for (const view of this.views) this.#follow(view)
  }

  stop(): void {
    this.#stopped = true
    for (const t of this.#timers) clearTimeout(t)
    this.#timers.clear()
  }

  #follow(view: NetworkView) {
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

  /** Tells the listeners in the next frame; the refreshes before it share that one notification. */
  #emit() {
    if (this.#emitPending || this.#stopped) return
    this.#emitPending = true
    this.#scheduleFrame(() => {
      this.#emitPending = false
      if (this.#stopped) return
      for (const l of this.#listeners) l()
    })
  }

  #loop(step: () => Promise<void>, everyMs: number, afterFirst?: () => void) {
    let first = true
    const run = async () => {
      if (this.#stopped) return
      await step().catch(() => undefined)
      this.#emit()
      if (first && afterFirst && !this.#stopped) afterFirst()
      first = false
      if (this.#stopped) return
      const timer = setTimeout(() => {
        this.#timers.delete(timer)
        void run()
      }, everyMs)
      this.#timers.add(timer)
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
