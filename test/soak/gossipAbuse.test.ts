import '@rollup-mesh/core/polyfill'
import { describe, expect, it } from 'vitest'
import { gossipAbuse } from './gossipAbuse.js'

// The short version of `npm run soak -- --scenario gossip-abuse`: latency is reported here (a shared, loaded
// machine), asserted within 2x by the full soak.
describe('npm run soak, short version: gossip-abuse', () => {
  it('gossip-abuse: the hostile peer is graylisted, disconnected and banned; no state change (latency: npm run soak)', async () => {
    const r = await gossipAbuse.run({ quick: true, seed: 7, workDir: '', log: () => {} })
    console.log(`soak gossip-abuse (quick): ${r.seconds.toFixed(1)} s: ${r.figures['time s']}`)
    expect(r.ok, `${r.failures.join('\n')}\n${JSON.stringify(r.figures)}`).toBe(true)
    expect(r.figures['banned by']).toBe('2 of 2')
    expect(r.figures['invalid stored']).toBe(0)
    expect(r.figures['duplicates delivered']).toBe(0)
  }, 600_000)
})
