import '@rollup-mesh/core/polyfill'
import { lpStream } from '@libp2p/utils'
import { afterAll, describe, expect, it } from 'vitest'
import { createP2P, type P2P, type P2PInit, type SignedHeader, syncProtocol } from '../../src/index.js'
import { makeHeader, waitFor } from '../helpers.js'

const nodes: P2P[] = []
afterAll(async () => {
  for (const n of nodes) await n.stop().catch(() => {})
})

async function node(init: P2PInit = {}): Promise<P2P> {
  const p2p = await createP2P({ heartbeatIntervalMs: 200, ...init })
  await p2p.start()
  nodes.push(p2p)
  return p2p
}

/** Sends one raw length-prefixed frame on a sync protocol and reads the answer (or nothing, if cut off). */
async function rawRequest(from: P2P, to: P2P, frame: Uint8Array): Promise<boolean> {
  try {
    const stream = await from.libp2p.dialProtocol(
      from.libp2p.getPeers().find((p) => p.toString() === to.peerId)!,
      syncProtocol('headers'),
      {
        signal: AbortSignal.timeout(5_000),
      },
    )
    const lp = lpStream(stream)
    await lp.write(frame)
    await lp.read({ signal: AbortSignal.timeout(5_000) })
    await stream.close().catch(() => {})
    return true
  } catch {
    return false
  }
}

describe('sync request abuse', () => {
  it('malformed sync requests cost the sender score until it is graylisted, disconnected and banned; honest requests are served', async () => {
    const served: SignedHeader[] = []
    for (let n = 0; n < 4; n++) served.push(await makeHeader('spn1', BigInt(n)))
    const server = await node({
      syncProvider: {
        getHeaders: (_network, from, count) => served.slice(Number(from), Number(from) + count),
      },
    })
    const honest = await node()
    const attacker = await node()
    await honest.dial(server.getMultiaddrs()[0] as string)
    await attacker.dial(server.getMultiaddrs()[0] as string)
    const banned: string[] = []
    server.on('peer:banned', (e) => banned.push(e.peerId))
    const junk = [
      new Uint8Array([0xde, 0xad, 0xbe, 0xef]), // not RLP
      new Uint8Array([0xc3, 0x80, 0x80, 0x80]), // an empty network name
      new Uint8Array(100).fill(0xff), // garbage up to the frame limit
    ]
    let sent = 0
    const scores: number[] = []
    while (!banned.includes(attacker.peerId) && sent < 40) {
      await rawRequest(attacker, server, junk[sent % junk.length] as Uint8Array)
      sent++
      scores.push(server.getScore(attacker.peerId))
      // honest traffic meanwhile is served and costs nothing
      if (sent % 5 === 0) expect(await honest.requestHeaders(server.peerId, 'spn1', 1n, 2)).toHaveLength(2)
      await new Promise((r) => setTimeout(r, 50))
    }
    await waitFor(
      `attacker banned and disconnected (${sent} requests, scores ${scores.map((x) => x.toFixed(0)).join(' ')})`,
      () => banned.includes(attacker.peerId) && !server.getPeers().includes(attacker.peerId),
    )
    console.log(
      `sync abuse: banned after ${sent} malformed requests; scores ${scores.map((s) => s.toFixed(0)).join(' ')}`,
    )
    expect(sent).toBeLessThanOrEqual(8)
    expect(scores.at(-1)).toBeLessThan(-80)
    expect(server.isBanned(attacker.peerId)).toBe(true)
    expect(server.getScore(honest.peerId)).toBeGreaterThanOrEqual(0)
    // the ban holds: the attacker's new connection is refused; the honest peer is still served
    await attacker.dial(server.getMultiaddrs()[0] as string).catch(() => {})
    await new Promise((r) => setTimeout(r, 300))
    expect(server.getPeers()).not.toContain(attacker.peerId)
    const headers = await honest.requestHeaders(server.peerId, 'spn1', 0n, 4)
    expect(headers.map((h) => h.number)).toEqual([0n, 1n, 2n, 3n])
  }, 120_000)
})
