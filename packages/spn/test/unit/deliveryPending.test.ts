import '@rollup-mesh/core/polyfill'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { createNodeMetrics, hasPendingBlockStartWork, shouldSealAt } from '@rollup-mesh/chain'
import { afterAll, describe, expect, it } from 'vitest'
import { createDeliveryService } from '../../src/delivery/service.js'
import { createSPNNode } from '../../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'spn-delivery-pending-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the delivery service tells the producer about queued deliveries', () => {
  it('while a message is queued a sub-second tick seals ahead of the clock; not once it is handled or stopped', async () => {
    // an SPN data dir holding one queued inbox message (see test/fixtures/chaindb-cda7ced/README.md)
    const fixture = new URL('../fixtures/chaindb-cda7ced/chain.db.gz', import.meta.url)
    writeFileSync(join(dir, 'chain.db'), gunzipSync(readFileSync(fixture)))
    const node = createSPNNode({
      config: {
        spnId: 'spn5',
        chainId: 4105,
        dataDir: dir,
        devAccounts: 2,
        logLevel: 'silent',
        decodeWorkers: 0,
      },
      producer: () => ({ start: async () => {}, stop: async () => {}, isStarted: () => true }),
    })
    await node.start()
    const chain = node.chain
    const metrics = createNodeMetrics({ chain })
    const delivery = createDeliveryService({
      chain,
      spnId: 5n,
      mainnetRpcUrl: 'http://127.0.0.1:1',
      p2p: () => undefined,
      pollMs: 60_000,
      metrics,
    })
    /** The delivery gauges as a scrape shows them. */
    const gauges = async () => {
      const lines = (await metrics.scrape()).split('\n').filter((l) => /^mesh_deliver/.test(l))
      return Object.fromEntries(lines.map((l) => [l.split(' ')[0], Number(l.split(' ')[1])]))
    }
    try {
      // the same wall-clock second as the head: the next block would take the next second
      const nowS = chain.head().timestamp
      expect(chain.mempool.size).toBe(0)
      expect(delivery.status().queued).toBe(1)
      // /metrics: the inbox's outcomes and what waits (the fixture's second message was delivered)
      expect(await gauges()).toEqual({
        'mesh_delivery_messages{status="delivered"}': 1,
        'mesh_delivery_messages{status="failed"}': 0,
        'mesh_delivery_messages{status="error"}': 0,
        mesh_deliveries_pending: 1,
      })
      expect(hasPendingBlockStartWork(chain)).toBe(false) // not started: nothing registered
      expect(shouldSealAt(chain, nowS, 2n)).toBe(false)
      await delivery.start()
      expect(hasPendingBlockStartWork(chain)).toBe(true)
      expect(shouldSealAt(chain, nowS, 2n)).toBe(true)
      expect(shouldSealAt(chain, nowS - 2n, 2n)).toBe(false) // the lead stays bounded
      // each block takes the deposits; the fixture's placeholder root makes the delivery revert, it is
      // retried (still queued, still waiting) until given up (status error), and then nothing waits
      let head = chain.head()
      for (let attempt = 1; attempt <= 3; attempt++) {
        expect(hasPendingBlockStartWork(chain)).toBe(true)
        const block = await chain.produceBlock(head.timestamp)
        expect(block.txs.length).toBe(2) // import the root, deliver
        head = block.header
      }
      expect(delivery.status()).toMatchObject({ queued: 0, error: 1 })
      expect(await gauges()).toMatchObject({
        'mesh_delivery_messages{status="error"}': 1,
        mesh_deliveries_pending: 0,
      })
      expect(hasPendingBlockStartWork(chain)).toBe(false)
      expect(shouldSealAt(chain, head.timestamp, 2n)).toBe(false)
      delivery.requeue(7n, 0n)
      expect(hasPendingBlockStartWork(chain)).toBe(true)
      await delivery.stop()
      expect(hasPendingBlockStartWork(chain)).toBe(false)
    } finally {
      metrics.close()
      await delivery.stop()
      await node.stop()
    }
  })
})
