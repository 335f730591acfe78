/**
 * The gossip-abuse scenario's hostile peer, in its own process with its own libp2p identity (real libp2p +
 * gossipsub): it dials the targets, joins every topic of every network and floods them with random,
 * oversized, truncated, wrongly signed and replayed messages, and sends malformed requests on every sync
 * protocol; it keeps redialling to show the ban holds. Config: argv[2] as JSON. JSON lines on stdout.
 * With `waitForGo`, it starts (imports, libp2p) and prints `started`, then waits for a line on stdin (JSON
 * `{"targets": [...]}`, replacing the config's) before dialling: the scenario spawns it before its honest
 * nodes exist, so its start overlaps theirs and the warm-up.
 */
import { createInterface } from 'node:readline'
import '@rollup-mesh/core/polyfill'
import type { GossipsubMessage } from '@libp2p/gossipsub'
import { lpStream } from '@libp2p/utils'
import { createP2P, syncProtocol, TOPIC_KINDS, type TopicKind } from '@rollup-mesh/p2p'
import type { Hex } from 'viem'
import { HOSTILE_KINDS, hostilePayload, rng } from './gossipMessages.js'

const config = JSON.parse(process.argv[2] ?? '{}') as {
  targets: string[]
  networks: string[]
  durationMs: number
  perSecond: number
  seed: number
  key: Hex
  waitForGo?: boolean
}
const out = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`)
const next = rng(config.seed)
const p2p = await createP2P({
  subscriptions: config.networks.map((network) => ({ network, kinds: [...TOPIC_KINDS] })),
  heartbeatIntervalMs: 200,
  reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
})
await p2p.start()
const captured: Uint8Array[] = []
const pubsub = (p2p.libp2p.services as { pubsub: EventTarget }).pubsub
pubsub.addEventListener('gossipsub:message', (e) => {
  const { msg } = (e as CustomEvent<GossipsubMessage>).detail
  if (captured.length < 64) captured.push(msg.data)
})
p2p.on('peer:disconnect', ({ peerId }) => out({ event: 'disconnect', peerId }))
p2p.on('peer:connect', ({ peerId }) => out({ event: 'connect', peerId }))
if (config.waitForGo) {
  out({ event: 'started' })
  const lines = createInterface({ input: process.stdin })
  // "go", or the parent gone (stdin closed): then exit, never flood on our own
  const go = await new Promise<boolean>((resolve) => {
    lines.once('line', (line) => {
      config.targets = (JSON.parse(line) as { targets: string[] }).targets
      resolve(true)
    })
    lines.once('close', () => resolve(false))
  })
  lines.close()
  if (!go) {
    await p2p.stop()
    process.exit(0)
  }
}
for (const t of config.targets) await p2p.dial(t).catch(() => {})
out({ event: 'ready', peerId: p2p.peerId, peers: p2p.getPeers() })

const stats = { published: 0, sync: 0, redials: 0, byKind: {} as Record<string, number> }
const junkFrames = [
  new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
  new Uint8Array([0xc3, 0x80, 0x80, 0x80]),
  new Uint8Array(120).fill(0xff),
]
const syncKinds = ['headers', 'blocks', 'exit_batches', 'commits'] as const

async function syncAbuse(): Promise<void> {
  for (const peer of p2p.libp2p.getPeers()) {
    try {
      const stream = await p2p.libp2p.dialProtocol(peer, syncProtocol(syncKinds[stats.sync % 4]!), {
        signal: AbortSignal.timeout(2_000),
      })
      const lp = lpStream(stream)
      await lp.write(junkFrames[stats.sync % junkFrames.length]!)
      await lp.read({ signal: AbortSignal.timeout(2_000) }).catch(() => {})
      stats.sync++
    } catch {
      // refused or cut off: what a graylisted peer gets
    }
  }
}

const end = Date.now() + config.durationMs
const gapMs = 1000 / config.perSecond
let n = 0
let lastRedial = Date.now()
let lastStats = Date.now()
while (Date.now() < end) {
  const kind = HOSTILE_KINDS[n % HOSTILE_KINDS.length]!
  const topic = TOPIC_KINDS[Math.floor(n / HOSTILE_KINDS.length) % TOPIC_KINDS.length] as TopicKind
  const network = config.networks[n % config.networks.length]!
  // with no peer left (every target banned it) there is no one to flood: only the redials below go on
  const data =
    p2p.getPeers().length > 0
      ? await hostilePayload(kind, network, topic, n, next, config.key, captured)
      : undefined
  if (data)
    await p2p.publishRaw(network, topic, data).then(
      () => {
        stats.published++
        stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1
      },
      () => {},
    )
  if (n % 10 === 0) await syncAbuse()
  n++
  if (Date.now() - lastRedial > 1000) {
    lastRedial = Date.now()
    for (const t of config.targets) {
      const id = t.split('/p2p/')[1]
      if (p2p.getPeers().includes(id as string)) continue
      stats.redials++
      await p2p.dial(t).catch(() => {})
    }
  }
  if (Date.now() - lastStats > 1000) {
    lastStats = Date.now()
    out({ event: 'stats', ...stats, peers: p2p.getPeers() })
  }
  await new Promise((r) => setTimeout(r, gapMs))
}
out({ event: 'done', ...stats, peers: p2p.getPeers() })
await p2p.stop()
