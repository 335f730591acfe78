import '@rollup-mesh/core/polyfill'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hexToBytes } from '@rollup-mesh/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Block,
  createP2P,
  encodeHeader,
  encodeSettlement,
  type GossipMessage,
  loadOrCreatePeerId,
  MESSAGE_LIMITS,
  type P2P,
  type P2PInit,
  type SignedHeader,
  SyncError,
  type TopicKind,
} from '../../src/index.js'
import { makeBlock, makeHeader, makeSettlement, makeTx, mallory, producer, waitFor } from '../helpers.js'

const ALL: Array<{ network: string; kinds: TopicKind[] }> = [
  { network: 'mainnet', kinds: ['headers'] },
  { network: 'spn1', kinds: ['headers', 'settlements', 'txs'] },
]
const nodes: P2P[] = []
let dataRoot: string

async function node(init: P2PInit = {}): Promise<P2P> {
  const p2p = await createP2P({
    subscriptions: ALL,
    producers: { mainnet: producer.address, spn1: producer.address },
    heartbeatIntervalMs: 200,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    ...init,
  })
  await p2p.start()
  nodes.push(p2p)
  return p2p
}

function collect(p2p: P2P): GossipMessage[] {
  const got: GossipMessage[] = []
  p2p.on('message', (m) => got.push(m))
  return got
}

const addrOf = (p2p: P2P): string => p2p.getMultiaddrs()[0] as string

async function meshReady(members: P2P[], network: string, kind: TopicKind, min = 1): Promise<void> {
  await waitFor(`subscribers on ${network}/${kind}`, () =>
    members.every((m) => m.getSubscribers(network, kind).length >= min),
  )
}

let hub: P2P
let spokes: P2P[]
const headers: SignedHeader[] = []
const blocks: Block[] = []

beforeAll(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'p2p-mesh-'))
  for (let n = 0n; n < 40n; n++) {
    const block = await makeBlock('spn1', n, 2)
    blocks.push(block)
    headers.push(block.header)
  }
  hub = await node({
    dataDir: join(dataRoot, 'hub'),
    syncLimits: { maxBlocksResponseBytes: 8 * 1024 },
    syncProvider: {
      getHeaders: (network, from, count) =>
        network === 'spn1'
          ? headers.slice(Number(from), Number(from) + count)
          : network === 'liar'
            ? headers.slice(Number(from) + 1, Number(from) + 1 + count)
            : [],
      getBlocks: async (network, from, count) => {
        if (network === 'slow') await new Promise((r) => setTimeout(r, 1500))
        return network === 'spn1' ? blocks.slice(Number(from), Number(from) + count) : []
      },
    },
  })
  spokes = []
  for (let i = 0; i < 3; i++)
    spokes.push(await node({ dataDir: join(dataRoot, `spoke${i}`), bootstrap: [addrOf(hub)] }))
  await waitFor('spokes connected to the hub', () => hub.getPeers().length === 3)
  for (const { network, kinds } of ALL)
    for (const kind of kinds) await meshReady([hub, ...spokes], network, kind)
})

afterAll(async () => {
  for (const p of nodes) await p.stop()
  await rm(dataRoot, { recursive: true, force: true })
})

describe('gossip across 4 nodes (one process)', () => {
  it('delivers every topic from every publisher to every other node', async () => {
    const members = [hub, ...spokes]
    const inboxes = members.map(collect)
    const [a, b, c, d] = members as [P2P, P2P, P2P, P2P]
    await a.publishHeader('mainnet', await makeHeader('mainnet', 1n))
    await b.publishHeader('spn1', await makeHeader('spn1', 2n))
    await c.publishSettlement('spn1', await makeSettlement('spn1'))
    await d.publishTx('spn1', await makeTx(9))
    const expected = [
      { publisher: 0, kind: 'headers', network: 'mainnet' },
      { publisher: 1, kind: 'headers', network: 'spn1' },
      { publisher: 2, kind: 'settlements', network: 'spn1' },
      { publisher: 3, kind: 'txs', network: 'spn1' },
    ]
    await waitFor('all deliveries', () => inboxes.every((box) => box.length === 3))
    inboxes.forEach((box, i) => {
      const want = expected.filter((e) => e.publisher !== i).map((e) => `${e.network}/${e.kind}`)
      expect(box.map((m) => `${m.network}/${m.kind}`).sort()).toEqual(want.sort())
    })
    const header = inboxes[0]?.find((m) => m.kind === 'headers')
    expect(header?.kind === 'headers' && header.header.number).toBe(2n)
    expect(header?.kind === 'headers' && header.signer).toBe(producer.address)
    const tx = inboxes[0]?.find((m) => m.kind === 'txs')
    expect(tx?.kind === 'txs' && tx.tx.type).toBe('eip1559')
  })

  it('validates duplicates once and does not penalise their senders', async () => {
    let calls = 0
    hub.setValidator('spn1', 'headers', () => {
      calls++
      return 'accept'
    })
    const inbox = collect(spokes[2] as P2P)
    const data = encodeHeader(await makeHeader('spn1', 3n))
    await (spokes[0] as P2P).publishRaw('spn1', 'headers', data)
    await (spokes[1] as P2P).publishRaw('spn1', 'headers', data)
    await waitFor('delivery', () => inbox.length >= 1)
    await new Promise((r) => setTimeout(r, 300))
    expect(calls).toBe(1)
    expect(inbox.length).toBe(1)
    expect(hub.getScore((spokes[0] as P2P).peerId)).toBeGreaterThanOrEqual(0)
    expect(hub.getScore((spokes[1] as P2P).peerId)).toBeGreaterThanOrEqual(0)
    hub.setValidator('spn1', 'headers', undefined)
  })

  it("lets the node's validator ignore a message: not delivered, not forwarded, no penalty", async () => {
    hub.setValidator('spn1', 'txs', (m) => (m.kind === 'txs' && m.tx.raw.length > 0 ? 'ignore' : 'accept'))
    const inbox = collect(spokes[1] as P2P)
    await (spokes[0] as P2P).publishTx('spn1', await makeTx(77))
    await new Promise((r) => setTimeout(r, 500))
    expect(inbox.filter((m) => m.kind === 'txs')).toHaveLength(0)
    expect(hub.getScore((spokes[0] as P2P).peerId)).toBeGreaterThanOrEqual(0)
    hub.setValidator('spn1', 'txs', undefined)
  })

  it("lets the node's validator reject a well-formed message, which costs the sender score", async () => {
    const sender = await node({ bootstrap: [addrOf(hub)] })
    await waitFor('sender connected', () => hub.getPeers().includes(sender.peerId))
    await meshReady([sender], 'spn1', 'headers')
    const seen: bigint[] = []
    hub.setValidator('spn1', 'headers', (m) => {
      if (m.kind === 'headers') seen.push(m.header.number)
      return 'reject'
    })
    const inbox = collect(spokes[0] as P2P)
    await sender.publishHeader('spn1', await makeHeader('spn1', 30n))
    await waitFor('score to fall', () => hub.getScore(sender.peerId) < 0)
    expect(seen).toEqual([30n])
    expect(inbox).toHaveLength(0)
    hub.setValidator('spn1', 'headers', undefined)
    await sender.stop()
  })

  it('rejects malformed, oversize and wrongly signed messages; the sender falls below graylist and is disconnected', async () => {
    const attacker = await node({ bootstrap: [addrOf(hub)], subscriptions: ALL })
    await waitFor('attacker connected', () => hub.getPeers().includes(attacker.peerId))
    await meshReady([attacker], 'spn1', 'headers')
    const banned: string[] = []
    hub.on('peer:banned', (e) => banned.push(e.peerId))
    const honest = collect(spokes[0] as P2P)
    const scores = [hub.getScore(attacker.peerId)]
    const bad: Array<[TopicKind, Uint8Array]> = [
      ['headers', hexToBytes('0xdeadbeef')],
      ['headers', new Uint8Array(MESSAGE_LIMITS.header + 100).fill(0xc0)],
      ['settlements', encodeSettlement(await makeSettlement('spn1', mallory.privateKey))],
      ['headers', encodeHeader(await makeHeader('spn1', 5n, mallory.privateKey))],
    ]
    for (const [kind, data] of bad) {
      await attacker.publishRaw('spn1', kind, data)
      const before = scores.at(-1) as number
      await waitFor('score to fall', () => banned.length > 0 || hub.getScore(attacker.peerId) < before - 1)
      scores.push(hub.getScore(attacker.peerId))
      if (banned.length > 0) break
    }
    await waitFor(
      'attacker banned and disconnected',
      () => banned.includes(attacker.peerId) && !hub.getPeers().includes(attacker.peerId),
    )
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThan(scores[i - 1] as number)
    expect(scores.at(-1)).toBeLessThan(-80)
    console.log(
      'attacker score on the hub after each invalid message:',
      scores.map((s) => s.toFixed(1)).join(' → '),
    )
    expect(hub.isBanned(attacker.peerId)).toBe(true)
    // the ban holds: the hub refuses the attacker's new connections
    await attacker.dial(addrOf(hub)).catch(() => {})
    await new Promise((r) => setTimeout(r, 300))
    expect(hub.getPeers()).not.toContain(attacker.peerId)
    // nothing invalid reached the honest nodes
    expect(honest).toHaveLength(0)
  })
})

describe('header/block sync', () => {
  it('a restarted node keeps its identity and catches up by range', async () => {
    const dir = join(dataRoot, 'late')
    // a launcher can learn the id before the node first starts (to write it into others' bootstrap lists)
    const announced = await loadOrCreatePeerId(dir)
    const first = await node({ dataDir: dir, bootstrap: [addrOf(hub)] })
    const id = first.peerId
    expect(id).toBe(announced)
    await first.stop()
    const late = await node({ dataDir: dir, bootstrap: [addrOf(hub)] })
    expect(late.peerId).toBe(id)
    await waitFor('late node connected', () => late.getPeers().includes(hub.peerId))
    const got: SignedHeader[] = []
    while (got.length < headers.length) {
      const batch = await late.requestHeaders(hub.peerId, 'spn1', BigInt(got.length), 16)
      expect(batch.length).toBeGreaterThan(0)
      got.push(...batch)
    }
    expect(got).toEqual(headers)
    const someBlocks = await late.requestBlocks(hub.peerId, 'spn1', 5n, 3)
    expect(someBlocks).toEqual(blocks.slice(5, 8))
  })

  it('truncates responses at the size limit and refuses bad ranges, missing providers and slow answers', async () => {
    const [a, b] = spokes as [P2P, P2P]
    await a.dial(addrOf(b))
    // hub serves at most 8 KiB of blocks per response: fewer than asked, still contiguous
    const partial = await a.requestBlocks(hub.peerId, 'spn1', 0n, 40)
    expect(partial.length).toBeGreaterThan(0)
    expect(partial.length).toBeLessThan(40)
    expect(partial.map((x) => x.header.number)).toEqual(partial.map((_, i) => BigInt(i)))
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (e instanceof SyncError ? e.code : String(e)),
      )
    expect(await code(a.requestHeaders(hub.peerId, 'spn1', 0n, 5000))).toBe('SYNC_BAD_REQUEST')
    expect(await code(a.requestHeaders(hub.peerId, 'spn1', 0n, 0))).toBe('SYNC_BAD_REQUEST')
    expect(await code(a.requestBlocks(hub.peerId, 'spn1', 0n, 129))).toBe('SYNC_BAD_REQUEST')
    expect(await code(a.requestHeaders(b.peerId, 'spn1', 0n, 5))).toBe('SYNC_UNAVAILABLE')
    expect(await code(a.requestBlocks(hub.peerId, 'slow', 0n, 1, { timeoutMs: 300 }))).toBe('SYNC_TIMEOUT')
    // a peer that answers with the wrong range is caught by the client
    expect(await code(a.requestHeaders(hub.peerId, 'liar', 0n, 5))).toBe('SYNC_INVALID_RESPONSE')
    // the hub still answers afterwards
    expect(await a.requestHeaders(hub.peerId, 'spn1', 10n, 2)).toEqual(headers.slice(10, 12))
  })
})

describe('addresses and reconnection', () => {
  it('a node on a second loopback address joins through the bootstrap list', async () => {
    const far = await node({ listen: ['/ip4/127.0.0.2/tcp/0'], bootstrap: [addrOf(hub)] })
    expect(addrOf(far)).toMatch(/^\/ip4\/127\.0\.0\.2\/tcp\/\d+/)
    await waitFor('far node connected', () => hub.getPeers().includes(far.peerId))
    await meshReady([far], 'spn1', 'headers')
    const inbox = collect(far)
    await (spokes[1] as P2P).publishHeader('spn1', await makeHeader('spn1', 21n))
    await waitFor('far node receives', () =>
      inbox.some((m) => m.kind === 'headers' && m.header.number === 21n),
    )
  })

  it('redials a bootstrap peer with backoff until it comes (back) up', async () => {
    const dir = join(dataRoot, 'seed')
    const seed0 = await createP2P({ dataDir: dir })
    await seed0.start()
    const addr = addrOf(seed0)
    await seed0.stop()
    const follower = await node({ bootstrap: [addr] })
    await new Promise((r) => setTimeout(r, 400))
    expect(follower.getPeers()).not.toContain(seed0.peerId)
    const seed = await node({ dataDir: dir, listen: [addr.split('/p2p/')[0] as string] })
    await waitFor('follower reaches the seed', () => follower.getPeers().includes(seed.peerId))
    // and after the seed restarts again, the follower reconnects on its own
    await seed.stop()
    await waitFor('disconnect seen', () => !follower.getPeers().includes(seed.peerId))
    const again = await node({ dataDir: dir, listen: [addr.split('/p2p/')[0] as string] })
    await waitFor('follower reconnects', () => follower.getPeers().includes(again.peerId))
  })
})
