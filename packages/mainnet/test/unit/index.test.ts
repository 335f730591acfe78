import { describe, expect, it } from 'vitest'
import { defaultMainnetOptions } from '../../src/index.js'

describe('mainnet shell', () => {
  it('publishes headers on the main-net topic', () => {
    expect(defaultMainnetOptions.headersTopic).toBe('/rollup-mesh/1/mainnet/headers')
  })
})
