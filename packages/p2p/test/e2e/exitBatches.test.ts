import type { ExitBatch } from '@rollup-mesh/core'
import '@rollup-mesh/core/polyfill'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RLP } from '@ethereumjs/rlp'
import { lpStream } from '@libp2p/utils'
import { bytesToBigInt } from '@rollup-mesh/core'

const bytesToString = (b: Uint8Array) => new TextDecoder().decode(b)

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createP2P,
  MESSAGE_LIMITS,
  type P2P,
  type P2PInit,
  SyncError,
  SyncStatus,
  syncProtocol,
} from '../../src/index.js'
import { exitBatchToRLP } from '../../src/messages/exitBatch.js'
import { makeExitBatch, waitFor } from '../helpers.js'

const PROTOCOL = syncProtocol('exit_batches')
const nodes: P2P[] = []
let dataRoot: string

async function node(init: P2PInit = {}): Promise<P2P> {
  const p2p = await createP2P(init)
  await p2p.start()
  nodes.push(p2p)
  return p2p
}

const addrOf = (p2p: P2P): string => p2p.getMultiaddrs()[0] as string

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof SyncError ? e.code : String(e)),
  )

/** SPN 1's closed batches: 0, 1 and 16 messages in turn. */
const spn1: ExitBatch[] = Array.from({ length: 40 }, (_, b) =>
  makeExitBatch(1n, BigInt(b), [0, 1, 16][b % 3] as number),
)

let hub: P2P // serves exit batches
let bare: P2P // serves headers only: exit batches are `unavailable`
let liar: P2P // answers the exit-batch protocol with crafted responses
let client: P2P

/** Replaces `p2p`'s exit-batch handler with one that answers `respond(network, from, count)` verbatim. */
async function craftedServer(
  p2p: P2P,
  respond: (network: string, from: bigint, count: number) => Uint8Array,
): Promise<void> {
  await p2p.libp2p.unhandle(PROTOCOL)
  await p2p.libp2p.handle(PROTOCOL, async (stream) => {
    try {
      const lp = lpStream(stream, { maxDataLength: 16 * 1024 * 1024 })
      const [network, from, count] = RLP.decode((await lp.read()).subarray()) as Uint8Array[]
      const n = (b: Uint8Array | undefined) => (b && b.length > 0 ? bytesToBigInt(b) : 0n)
      await lp.write(respond(bytesToString(network as Uint8Array), n(from), Number(n(count))))
      await stream.close()
    } catch (err) {
      // the client hangs up on oversized answers
      stream.abort(err as Error)
    }
  })
}

const ok = (batches: ExitBatch[]) => RLP.encode([SyncStatus.ok, batches.map(exitBatchToRLP)] as never)

beforeAll(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'p2p-exit-'))
  hub = await node({
    syncLimits: { maxExitBatchesResponseBytes: 1024 * 1024 },
    syncProvider: {
      getExitBatches: async (network, from, count) => {
        if (network === 'spn1') return spn1.slice(Number(from), Number(from) + count)
        if (network === 'big')
          return Array.from({ length: count }, (_, i) =>
            makeExitBatch(5n, from + BigInt(i), 16, MESSAGE_LIMITS.exitMessageData),
          )
        if (network === 'broken') return [{ ...makeExitBatch(1n, from, 1), startIndex: 0n }]
        if (network === 'throws') throw new Error('database is locked')
        return []
      },
    },
  })
  bare = await node({ syncProvider: { getHeaders: () => [] } })
  liar = await node()
  await craftedServer(liar, (network, from, count) => {
    const batch = (b: bigint, spnId = 1n) => makeExitBatch(spnId, b, 1)
    switch (network) {
      case 'toomany':
        return ok(Array.from({ length: count + 1 }, (_, i) => batch(from + BigInt(i))))
      case 'gap':
        return ok([batch(from), batch(from + 2n)])
      case 'wrongstart':
        return ok([batch(from + 1n)])
      case 'mixedspn':
        return ok([batch(from), batch(from + 1n, 2n)])
      case 'blockgap':
        return ok([batch(from), { ...makeExitBatch(1n, from + 1n, 0), fromBlock: 10n * (from + 1n) + 2n }])
      case 'bigdata': {
        const fields = exitBatchToRLP(batch(from)) as unknown[][]
        ;(fields[6]?.[0] as unknown[])[7] = new Uint8Array(MESSAGE_LIMITS.exitMessageData + 1)
        return RLP.encode([SyncStatus.ok, [fields]] as never)
      }
      case 'huge':
        return RLP.encode([SyncStatus.ok, [new Uint8Array(1536 * 1024)]])
      default:
        return Uint8Array.of(0xde, 0xad, 0xbe, 0xef)
    }
  })
  client = await node({
    dataDir: join(dataRoot, 'client'),
    syncLimits: { maxExitBatchesResponseBytes: 1024 * 1024 },
  })
  for (const peer of [bare, liar, hub]) await client.dial(addrOf(peer))
  await waitFor('client connected to three peers', () => client.getPeers().length === 3)
})

afterAll(async () => {
  for (const p of nodes) await p.stop()
  await rm(dataRoot, { recursive: true, force: true })
})

describe('exit batch sync', () => {
  it('round-trips batches with 0, 1 and 16 messages and serves ranges', async () => {
    const first = await client.requestExitBatches(hub.peerId, 'spn1', 0n, 3)
    expect(first.map((b) => b.messages.length)).toEqual([0, 1, 16])
    expect(first).toEqual(spn1.slice(0, 3))
    const range = await client.requestExitBatches(hub.peerId, 'spn1', 10n, 20, { spnId: 1n })
    expect(range).toEqual(spn1.slice(10, 30))
    // past the end: fewer, then none
    expect(await client.requestExitBatches(hub.peerId, 'spn1', 38n, 10)).toEqual(spn1.slice(38))
    expect(await client.requestExitBatches(hub.peerId, 'spn1', 40n, 10)).toEqual([])
  })

  it('truncates at the response limit: fewer batches, still consecutive', async () => {
    // each batch of 16 × 32 KiB messages is ~530 KiB; the hub sends at most 1 MiB
    const got = await client.requestExitBatches(hub.peerId, 'big', 7n, 3)
    expect(got.map((b) => b.batch)).toEqual([7n])
    expect(got[0]?.messages.every((m) => m.data.length === 2 + 2 * MESSAGE_LIMITS.exitMessageData)).toBe(true)
  })

  it('answers unavailable without a provider, and bad request / server error where due', async () => {
    expect(await code(client.requestExitBatches(bare.peerId, 'spn1', 0n, 1))).toBe('SYNC_UNAVAILABLE')
    expect(await code(client.requestExitBatches(hub.peerId, 'spn1', 0n, 65))).toBe('SYNC_BAD_REQUEST')
    expect(await code(client.requestExitBatches(hub.peerId, 'broken', 3n, 1))).toBe('SYNC_SERVER_ERROR')
    expect(await code(client.requestExitBatches(hub.peerId, 'throws', 3n, 1))).toBe('SYNC_SERVER_ERROR')
    await expect(client.requestExitBatches(hub.peerId, 'spn1', -1n, 1)).rejects.toThrow(/fromBatch/)
    await expect(client.requestExitBatches(hub.peerId, 'spn1', 0n, 0)).rejects.toThrow(/count/)
  })

  it('rejects malformed and inconsistent responses with a clear error', async () => {
    const cases: Array<[string, RegExp]> = [
      ['garbage', /malformed/],
      ['toomany', /more than the 2 asked for/],
      ['gap', /item 1 is #6, expected #5/],
      ['wrongstart', /item 0 is #5, expected #4/],
      ['mixedspn', /SPN 2, expected SPN 1/],
      ['blockgap', /from block 52, expected 51/],
      ['bigdata', /invalid item/],
      ['huge', /exceeds 1048576 bytes/],
    ]
    for (const [network, message] of cases) {
      const err = await client.requestExitBatches(liar.peerId, network, 4n, 2).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err, network).toBeInstanceOf(SyncError)
      expect((err as SyncError).code, network).toBe('SYNC_INVALID_RESPONSE')
      expect((err as SyncError).shortMessage, network).toMatch(message)
    }
    const bad = await client.requestExitBatches(liar.peerId, 'bigdata', 4n, 1).catch((e: SyncError) => e)
    expect((bad as SyncError).walk()).toMatchObject({ field: 'messages[0].data' })
    // a consistent answer of another SPN than the one expected
    expect(await code(client.requestExitBatches(hub.peerId, 'spn1', 0n, 2, { spnId: 2n }))).toBe(
      'SYNC_INVALID_RESPONSE',
    )
  })

  it('answers malformed requests with bad request and keeps serving', async () => {
    // Six malformed requests cost their sender more than the graylist threshold: the hub disconnects and
    // bans it at its next score heartbeat. They come from a node of their own, so `client` (used by the
    // tests below) keeps its standing with the hub however slow the machine is.
    const abuser = await node()
    await abuser.dial(addrOf(hub))
    const raw = async (payload: Uint8Array): Promise<[number, string]> => {
      const stream = await abuser.libp2p.dialProtocol(hub.libp2p.peerId, PROTOCOL)
      const lp = lpStream(stream)
      await lp.write(payload)
      const [status, reason] = RLP.decode((await lp.read()).subarray()) as Uint8Array[]
      await stream.close()
      return [Number(bytesToBigInt(status as Uint8Array)), bytesToString(reason as Uint8Array)]
    }
    const requests: Array<[Uint8Array, RegExp]> = [
      [Uint8Array.of(0xde, 0xad), /sync request/],
      [RLP.encode(['spn1', 0n]), /exactly 3 items/],
      [RLP.encode(['spn1', Uint8Array.of(0, 1), 1n]), /"from"/],
      [RLP.encode(['spn1', 0n, 1000n]), /outside 1..64/],
      [RLP.encode(['x'.repeat(40), 0n, 1n]), /"network"/],
      [new Uint8Array(200), /request:/],
    ]
    for (const [payload, reason] of requests) {
      const [status, text] = await raw(payload)
      expect(status).toBe(SyncStatus.badRequest)
      expect(text).toMatch(reason)
    }
    expect(await client.requestExitBatches(hub.peerId, 'spn1', 5n, 2)).toEqual(spn1.slice(5, 7))
  })

  it('FromAny falls through unavailable and broken peers to one that has the batches', async () => {
    const { peerId, batches } = await client.requestExitBatchesFromAny('spn1', 3n, 4, {
      peers: [bare.peerId, liar.peerId, hub.peerId],
    })
    expect(peerId).toBe(hub.peerId)
    expect(batches).toEqual(spn1.slice(3, 7))
    // in whatever order the connected peers come
    const any = await client.requestExitBatchesFromAny('spn1', 0n, 1)
    expect(any.peerId).toBe(hub.peerId)
  })

  it('FromAny throws SyncError listing what each peer said when none has them', async () => {
    const err = await client
      .requestExitBatchesFromAny('nothing', 0n, 4, { peers: [bare.peerId, liar.peerId, hub.peerId] })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SyncError)
    expect((err as SyncError).code).toBe('SYNC_UNAVAILABLE')
    expect((err as SyncError).attempts?.map((a) => [a.peerId, a.result])).toEqual([
      [bare.peerId, 'SYNC_UNAVAILABLE'],
      [liar.peerId, 'SYNC_INVALID_RESPONSE'],
      [hub.peerId, 'SYNC_EMPTY'],
    ])
    expect((err as SyncError).message).toContain(`- ${bare.peerId}: SYNC_UNAVAILABLE`)
    const aborted = client.requestExitBatchesFromAny('spn1', 0n, 1, { signal: AbortSignal.abort() })
    await expect(aborted).rejects.toThrow(/aborted/)
    const lonely = await node()
    expect(await code(lonely.requestExitBatchesFromAny('spn1', 0n, 1))).toBe('SYNC_UNAVAILABLE')
  })

  it('a restarted node catches up on every batch from any peer', async () => {
    await client.stop()
    const restarted = await node({
      dataDir: join(dataRoot, 'client'),
      bootstrap: [addrOf(bare), addrOf(hub)],
    })
    expect(restarted.peerId).toBe(client.peerId)
    await waitFor('restarted node connected', () => restarted.getPeers().length === 2)
    const got: ExitBatch[] = []
    for (;;) {
      const next = await restarted
        .requestExitBatchesFromAny('spn1', BigInt(got.length), 16)
        .then((r) => r.batches)
        .catch((e: SyncError) =>
          e.attempts?.some((a) => a.result === 'SYNC_EMPTY') ? [] : Promise.reject(e),
        )
      if (next.length === 0) break
      got.push(...next)
    }
    expect(got).toEqual(spn1)
  })
})
