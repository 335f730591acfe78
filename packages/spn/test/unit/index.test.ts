import { describe, expect, it } from 'vitest'
import { defaultSPNOptions, spnTopics } from '../../src/index.js'

describe('spn shell', () => {
  it('has a 500 ms default block time and per-network topics', () => {
    expect(defaultSPNOptions.blockTimeMs).toBe(500)
    expect(spnTopics('spn2').settlements).toBe('/rollup-mesh/1/spn2/settlements')
  })
})
