import '@rollup-mesh/core/polyfill'
import { createLogger } from '@rollup-mesh/core'
import { describe, expect, it } from 'vitest'
import { createP2P } from '../../src/index.js'
import { waitFor } from '../helpers.js'

describe('P2P events', () => {
  it('a throwing listener is logged by the p2p logger and the other listeners still run', async () => {
    const lines: string[] = []
    const logger = createLogger({
      level: 'error',
      destination: { write: (line: string) => lines.push(line) },
    })
    const a = await createP2P({ logger })
    const b = await createP2P()
    const seen: string[] = []
    a.on('peer:connect', () => {
      throw new Error('listener bug')
    })
    a.on('peer:connect', ({ peerId }) => seen.push(peerId))
    await a.start()
    await b.start()
    try {
      await b.dial(a.getMultiaddrs()[0] as string)
      await waitFor('peer:connect', () => seen.length > 0)
      expect(seen).toEqual([b.peerId])
      const logged = lines.map((l) => JSON.parse(l) as { msg: string; event: string; module: string })
      expect(logged).toContainEqual(
        expect.objectContaining({ msg: 'p2p event listener threw', event: 'peer:connect', module: 'p2p' }),
      )
    } finally {
      await b.stop()
      await a.stop()
    }
  })
})
