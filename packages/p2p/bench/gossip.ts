/**
 * Gossip benchmark: 4 rollup-mesh nodes in one process on 127.0.0.1, fully connected, for 1 KiB and
 * 100 KiB messages, in two modes:
 *
 *   validated: signed EIP-1559 transactions on `/rollup-mesh/1/bench/txs` through the real
 *              validation path (size, strict decode, canonical re-serialisation, sender recovery);
 *   transport: the same bytes on a topic without a validator (gossipsub + yamux + noise + TCP only).
 *
 *   latency:    one message at a time, publishers in rotation; time from publish() to delivery at
 *               each of the 3 other nodes (p50/p99 over all deliveries).
 *   throughput: node 0 publishes with up to 32 (1 KiB) or 4 (100 KiB) messages in flight; msgs/s and MB/s of payload
 *               delivered to all 3 other nodes.
 *
 * All 4 nodes share one event loop, so each validated message is validated 3 times on one thread.
 * Usage: npm run bench [-- --json] [-- --quick]
 */
import '@rollup-mesh/core/polyfill'
import { devAccounts, type Hex, hexToBytes, keccak256 } from '@rollup-mesh/core'
import { privateKeyToAccount } from 'viem/accounts'
import { createP2P, type P2P } from '../src/index.js'

const json = process.argv.includes('--json')
const quick = process.argv.includes('--quick')
const NETWORK = 'bench'
const RAW_TOPIC = '/bench/raw'
const account = privateKeyToAccount((devAccounts(1)[0] as { privateKey: Hex }).privateKey)

type Mode = 'validated' | 'transport'
type PubSub = {
  publish(topic: string, data: Uint8Array): Promise<unknown>
  subscribe(topic: string): void
  getSubscribers(topic: string): unknown[]
  addEventListener(type: 'message', fn: (e: CustomEvent<{ topic: string; data: Uint8Array }>) => void): void
}
const pubsubOf = (p: P2P) => (p.libp2p.services as { pubsub: PubSub }).pubsub

function progress(line: string): void {
  process.stderr.write(`[bench:p2p] ${line}\n`)
}

async function makeTxs(count: number, size: number, offset: number): Promise<Uint8Array[]> {
  const filler = 'ab'.repeat(Math.max(0, size - 120))
  const txs: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    const raw = await account.signTransaction({
      type: 'eip1559',
      chainId: 31337,
      nonce: offset + i,
      to: account.address,
      gas: 10_000_000n,
      maxFeePerGas: 2n,
      maxPriorityFeePerGas: 1n,
      data: `0x${filler}`,
    })
    txs.push(hexToBytes(raw))
  }
  return txs
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0

async function main(): Promise<void> {
  const nodes: P2P[] = []
  for (let i = 0; i < 4; i++) {
    const p2p = await createP2P({ subscriptions: [{ network: NETWORK, kinds: ['txs'] }] })
    await p2p.start()
    pubsubOf(p2p).subscribe(RAW_TOPIC)
    nodes.push(p2p)
  }
  for (let i = 0; i < 4; i++)
    for (let j = i + 1; j < 4; j++)
      await (nodes[i] as P2P).dial((nodes[j] as P2P).getMultiaddrs()[0] as string)
  const ready = () =>
    nodes.every(
      (n) =>
        n.getSubscribers(NETWORK, 'txs').length === 3 && pubsubOf(n).getSubscribers(RAW_TOPIC).length === 3,
    )
  for (const end = Date.now() + 15_000; !ready() && Date.now() < end; )
    await new Promise((r) => setTimeout(r, 50))
  await new Promise((r) => setTimeout(r, 1500)) // let the meshes form (heartbeats)
  progress('4 nodes fully connected')

  // deliveries are keyed by keccak256 of the payload (= the tx hash in validated mode)
  const sentAt = new Map<Hex, number>()
  const arrivals = new Map<Hex, number>()
  let latencies: number[] = []
  let wake: (() => void) | undefined
  let complete = 0
  const arrive = (key: Hex) => {
    const start = sentAt.get(key)
    if (start !== undefined) latencies.push(performance.now() - start)
    const n = (arrivals.get(key) ?? 0) + 1
    arrivals.set(key, n)
    if (n === 3) {
      complete++
      wake?.()
    }
  }
  for (const node of nodes) {
    node.on('message', (m) => m.kind === 'txs' && arrive(m.tx.hash))
    node.on('peer:banned', (b) => progress(`BANNED ${b.peerId} score ${b.score}`))
    node.on('peer:disconnect', (b) => progress(`disconnect ${b.peerId}`))
    pubsubOf(node).addEventListener(
      'message',
      (e) => e.detail.topic === RAW_TOPIC && arrive(keccak256(e.detail.data)),
    )
  }
  const nap = (ms = 100) =>
    new Promise<void>((r) => {
      wake = r
      setTimeout(r, ms)
    })
  const publish = (mode: Mode, node: P2P, data: Uint8Array) =>
    mode === 'validated' ? node.publishRaw(NETWORK, 'txs', data) : pubsubOf(node).publish(RAW_TOPIC, data)

  const rows: Array<Record<string, number | string>> = []
  let nonce = 0
  for (const size of [1024, 100 * 1024]) {
    const latencyCount = quick ? 30 : size > 10_000 ? 40 : 200
    const throughputCount = quick ? 60 : size > 10_000 ? 60 : 1000
    for (const mode of ['transport', 'validated'] as const) {
      const latTxs = await makeTxs(latencyCount, size, nonce)
      nonce += latencyCount
      const thrTxs = await makeTxs(throughputCount, size, nonce)
      nonce += throughputCount
      const bytes = latTxs[0]?.length ?? 0

      progress(`${mode} ${size / 1024} KiB: ${latencyCount + throughputCount} signed txs ready`)
      latencies = []
      for (let i = 0; i < latTxs.length; i++) {
        const data = latTxs[i] as Uint8Array
        const key = keccak256(data)
        sentAt.set(key, performance.now())
        const before = complete
        await publish(mode, nodes[i % 4] as P2P, data)
        for (const end = Date.now() + 5000; complete === before && Date.now() < end; ) await nap()
      }
      const sorted = [...latencies].sort((a, b) => a - b)
      sentAt.clear()

      // a bounded window: all 4 nodes share one event loop, so an unbounded backlog of 100 KiB
      // validations would starve libp2p's pings (5 s) and its connection monitor would drop peers
      const window = size > 10_000 ? 4 : 32
      const start = complete
      const t0 = performance.now()
      let next = 0
      while (next < thrTxs.length) {
        while (next - (complete - start) >= window) await nap()
        await publish(mode, nodes[0] as P2P, thrTxs[next++] as Uint8Array)
      }
      for (const end = Date.now() + 60_000; complete - start < thrTxs.length && Date.now() < end; )
        await nap()
      const elapsed = (performance.now() - t0) / 1000
      const delivered = complete - start
      rows.push({
        mode,
        size: `${size / 1024} KiB`,
        bytes,
        p50_ms: Number(pct(sorted, 50).toFixed(2)),
        p99_ms: Number(pct(sorted, 99).toFixed(2)),
        msgs_per_s: Math.round(delivered / elapsed),
        MB_per_s: Number(((delivered * bytes) / elapsed / 1e6).toFixed(2)),
        delivered: `${delivered}/${thrTxs.length}`,
      })
      progress(`${mode} ${size / 1024} KiB done (throughput phase ${elapsed.toFixed(1)} s)`)
    }
  }
  for (const n of nodes) await n.stop()

  const cols = ['mode', 'size', 'bytes', 'p50_ms', 'p99_ms', 'msgs_per_s', 'MB_per_s', 'delivered']
  process.stdout.write(
    'gossip across 4 nodes (one process, loopback TCP; MB/s = payload delivered to all 3 peers)\n',
  )
  process.stdout.write(`${cols.map((h) => h.padStart(11)).join('')}\n`)
  for (const r of rows) process.stdout.write(`${cols.map((h) => String(r[h]).padStart(11)).join('')}\n`)
  if (json) process.stdout.write(`${JSON.stringify({ bench: 'p2p-gossip', nodes: 4, rows })}\n`)
}

await main()
