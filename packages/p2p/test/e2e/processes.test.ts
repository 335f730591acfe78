import '@rollup-mesh/core/polyfill'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createP2P, type GossipMessage, type P2P, type SignedHeader } from '../../src/index.js'
import { makeHeader, producer, waitFor } from '../helpers.js'

type Line = Record<string, unknown> & { event: string }
type Child = { proc: ChildProcess; lines: Line[]; exit: Promise<number | null>; send(cmd: object): void }

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'node.ts')
const children: Child[] = []
let dataRoot: string
let parent: P2P
const parentInbox: GossipMessage[] = []
const served: SignedHeader[] = []

function spawnNode(config: object): Child {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions', 'source', FIXTURE, JSON.stringify(config)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  const lines: Line[] = []
  createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l) as Line)
    } catch {}
  })
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  const child: Child = { proc, lines, exit, send: (cmd) => proc.stdin?.write(`${JSON.stringify(cmd)}\n`) }
  children.push(child)
  return child
}

const seen = (c: Child, event: string, pred: (l: Line) => boolean = () => true) =>
  c.lines.some((l) => l.event === event && pred(l))
const first = (c: Child, event: string) => c.lines.find((l) => l.event === event) as Line

beforeAll(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'p2p-procs-'))
  for (let n = 0; n < 30; n++) served.push(await makeHeader('spn1', BigInt(n)))
  parent = await createP2P({
    subscriptions: [{ network: 'spn1', kinds: ['headers', 'settlements', 'txs'] }],
    producers: { spn1: producer.address },
    heartbeatIntervalMs: 200,
    syncProvider: { getHeaders: (_n, from, count) => served.slice(Number(from), Number(from) + count) },
  })
  parent.on('message', (m) => parentInbox.push(m))
  await parent.start()
})

afterAll(async () => {
  for (const c of children) if (c.proc.exitCode === null && c.proc.pid) process.kill(c.proc.pid, 'SIGKILL')
  await parent.stop()
  await rm(dataRoot, { recursive: true, force: true })
})

describe('4 nodes in 4 processes', () => {
  it('gossip between processes, cross-process sync, clean exit and catch-up after restart', async () => {
    const bootstrap = [parent.getMultiaddrs()[0]]
    const kids = [0, 1, 2].map((i) =>
      spawnNode({ dataDir: join(dataRoot, `n${i}`), bootstrap, serve: i === 1 ? 20 : 0 }),
    )
    await waitFor('children ready', () => kids.every((k) => seen(k, 'ready')), 30_000)
    await waitFor('children connected', () => parent.getPeers().length === 3, 15_000)
    await waitFor('mesh', () => parent.getSubscribers('spn1', 'headers').length === 3)
    const [k0, k1, k2] = kids as [Child, Child, Child]

    // parent -> every child. Each attempt is a new header: gossipsub drops a republished duplicate, so one
    // sent before a child's stream was writable (a loaded machine) would never arrive if it were repeated.
    let attempt = 1000n
    await waitFor(
      'children see each other through the parent',
      async () => {
        await parent.publishHeader('spn1', await makeHeader('spn1', attempt++))
        return kids.every((k) => seen(k, 'message', (l) => BigInt(l.number as string) >= 1000n))
      },
      20_000,
    )
    // child -> parent and the other children (relayed by the parent after validation)
    k0.send({ cmd: 'publish', n: 2 })
    await waitFor(
      'child gossip everywhere',
      () =>
        parentInbox.some((m) => m.kind === 'headers' && m.header.number === 2n) &&
        [k1, k2].every((k) => seen(k, 'message', (l) => l.number === '2')),
    )
    expect(seen(k0, 'message', (l) => l.number === '2')).toBe(false)

    // cross-process sync: parent asks child 1
    const fromChild = await parent.requestHeaders(first(k1, 'ready').peerId as string, 'spn1', 5n, 10)
    expect(fromChild.map((h) => h.number)).toEqual([5n, 6n, 7n, 8n, 9n, 10n, 11n, 12n, 13n, 14n])

    // clean stop: the child exits by itself (no open handles)
    const oldId = first(k2, 'ready').peerId
    k2.send({ cmd: 'stop' })
    const code = await Promise.race([
      k2.exit,
      new Promise((r) => setTimeout(() => r('still running'), 10_000)),
    ])
    expect(code).toBe(0)
    expect(seen(k2, 'stopped')).toBe(true)
    await waitFor('parent sees the disconnect', () => !parent.getPeers().includes(oldId as string))

    // restart with the same data dir: same identity, rejoins and catches up over request/response
    const again = spawnNode({ dataDir: join(dataRoot, 'n2'), bootstrap })
    await waitFor('restarted child ready', () => seen(again, 'ready'), 30_000)
    expect(first(again, 'ready').peerId).toBe(oldId)
    await waitFor('restarted child connected', () =>
      seen(again, 'connect', (l) => l.peerId === parent.peerId),
    )
    again.send({ cmd: 'sync', peer: parent.peerId, from: 0, count: 30 })
    await waitFor('restarted child synced', () => seen(again, 'synced'), 10_000)
    expect((first(again, 'synced').numbers as string[]).map(Number)).toEqual(served.map((_, i) => i))

    for (const k of [k0, k1, again]) k.send({ cmd: 'stop' })
    const codes = await Promise.all([k0.exit, k1.exit, again.exit])
    expect(codes).toEqual([0, 0, 0])
  }, 90_000)
})
