import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Chain } from '../chain.js'
import type { BlockStageTimes } from '../sealedBlock.js'

/** The stages of a block whose times are measured (`SealedBlock.stages`). */
export type BlockStage = keyof BlockStageTimes

/** Buckets (seconds) for per-block stage times: 1 ms to 10 s. */
const STAGE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export type NodeMetrics = {
  /** This node's own registry (never prom-client's global one: tests run several nodes in one process). */
  readonly registry: Registry
  /** Counts the JSON-RPC requests of one payload (a request or a batch) by method. */
  countRequests(payload: unknown, methods: Readonly<Record<string, unknown>>): void
  /** A counter of a node service (settlement, delivery) in this registry, with the node's labels. */
  counter<L extends string>(init: { name: string; help: string; labelNames?: readonly L[] }): Counter<L>
  /** A histogram of a node service, in seconds (buckets from 1 ms to 10 s unless given). */
  histogram<L extends string>(init: {
    name: string
    help: string
    labelNames?: readonly L[]
    buckets?: number[]
  }): Histogram<L>
  /** A gauge of a node part, read at scrape time (`collect`), in this registry with the node's labels. */
  gauge<L extends string>(init: {
    name: string
    help: string
    labelNames?: readonly L[]
    /** The value, or one value per label set. */
    collect: () => number | readonly { labels: Partial<Record<L, string>>; value: number }[]
  }): Gauge<L>
  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<string>
  /** Stops following the chain. */
  close(): void
}

export type NodeMetricsInit = {
  chain: Chain
  /** The node's libp2p peers, when it runs libp2p. */
  peers?: () => number
  /** Labels on every metric (e.g. `{ network: 'spn1' }`). */
  labels?: Record<string, string>
}

/**
 * A node's Prometheus metrics (issue [throughput]), in a registry of its own: blocks, transactions, gas,
 * the head, per-stage block times (from the `block` event's `stages`), the pool's size, JSON-RPC requests by method and
 * libp2p peers. Node services (settlement, delivery) register theirs in `registry`. The RPC server serves
 * them on `GET /metrics`; chain's README lists each metric.
 *
 * @example
 * ```ts
 * import { createNodeMetrics } from '@rollup-mesh/chain'
 *
 * const metrics = createNodeMetrics({ chain, labels: { network: 'spn1' } })
 * await chain.produceBlock()
 * await metrics.scrape() // '# HELP mesh_blocks_total Blocks sealed by this node …\nmesh_blocks_total{network="spn1"} 1\n…'
 * metrics.close()
 * ```
 */
export function createNodeMetrics(init: NodeMetricsInit): NodeMetrics {
  const registry = new Registry()
  if (init.labels) registry.setDefaultLabels(init.labels)
  const registers = [registry]
  const blocks = new Counter({ name: 'mesh_blocks_total', help: 'Blocks sealed by this node.', registers })
  const txs = new Counter({
    name: 'mesh_transactions_total',
    help: 'Transactions included in the blocks sealed by this node.',
    registers,
  })
  const gas = new Counter({ name: 'mesh_gas_used_total', help: 'Gas used by the sealed blocks.', registers })
  new Gauge({
    name: 'mesh_head_block_number',
    help: 'The number of the latest block.',
    registers,
    collect() {
      // Before the chain is open there is no head: the gauge stays unset.
      try {
        this.set(Number(init.chain.head().number))
      } catch {}
    },
  })
  const stages = new Histogram({
    name: 'mesh_block_stage_seconds',
    help: "Time per block in each stage, as Chain measures it: select (hook and pool selection), execute (the executor), receipts (roots, header, hash), commit (the SQLite transaction; with the commit writer, handing the block over and waiting for the one before), settle (the pool update), write (the commit writer thread's SQLite transaction, overlapping the next block).",
    labelNames: ['stage'],
    buckets: STAGE_BUCKETS,
    registers,
  })
  new Gauge({
    name: 'mesh_mempool_transactions',
    help: 'Transactions waiting in the pool.',
    registers,
    collect() {
      this.set(init.chain.mempool.size)
    },
  })
  new Gauge({
    name: 'mesh_commit_writer_queue',
    help: 'Blocks handed to the commit writer thread and not durable yet (0 or 1; always 0 with inline commits).',
    registers,
    collect() {
      this.set(init.chain.commitQueueDepth)
    },
  })
  const requests = new Counter({
    name: 'mesh_rpc_requests_total',
    help: 'JSON-RPC requests received, by method (`unknown` for methods the node does not have).',
    labelNames: ['method'],
    registers,
  })
  if (init.peers) {
    const peers = init.peers
    new Gauge({
      name: 'mesh_p2p_peers',
      help: 'Connected libp2p peers.',
      registers,
      collect() {
        this.set(peers())
      },
    })
  }
  const unsubscribe = init.chain.events.on('block', (b) => {
    blocks.inc()
    txs.inc(b.txs.length)
    gas.inc(Number(b.header.gasUsed))
    for (const [stage, ms] of Object.entries(b.stages)) stages.observe({ stage }, ms / 1000)
  })
  const count = (req: unknown, methods: Readonly<Record<string, unknown>>) => {
    const method = (req as { method?: unknown } | null)?.method
    if (typeof method !== 'string') return
    requests.inc({ method: Object.hasOwn(methods, method) ? method : 'unknown' })
  }
  return {
    registry,
    countRequests(payload, methods) {
      if (Array.isArray(payload)) for (const r of payload) count(r, methods)
      else count(payload, methods)
    },
    counter: (c) => new Counter({ ...c, labelNames: c.labelNames ?? [], registers }),
    histogram: (h) =>
      new Histogram({ ...h, labelNames: h.labelNames ?? [], buckets: h.buckets ?? STAGE_BUCKETS, registers }),
    gauge: ({ collect, ...g }) =>
      new Gauge({
        ...g,
        labelNames: g.labelNames ?? [],
        registers,
        collect() {
          const v = collect()
          if (typeof v === 'number') this.set(v)
          else for (const { labels, value } of v) this.set(labels, value)
        },
      }),
    scrape: () => registry.metrics(),
    close: () => unsubscribe(),
  }
}
