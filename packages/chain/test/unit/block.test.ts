import { describe, expect, it } from 'vitest'
import { nextBaseFee } from '../../src/basefee.js'
import { encodeHeader, hashHeader, listRoot } from '../../src/block.js'
import { headerFromJSON, headerToJSON } from '../../src/codec.js'
import { header } from './helpers.js'

describe('block header', () => {
  it('hashes deterministically and commits to every field', () => {
    const h = header(5n, `0x${'ab'.repeat(32)}`)
    expect(hashHeader(h)).toBe(hashHeader({ ...h }))
    const variants = [
      { ...h, number: 6n },
      { ...h, stateRoot: `0x${'12'.repeat(32)}` as const },
      { ...h, exitRoot: `0x${'01'.repeat(32)}` as const },
      { ...h, baseFeePerGas: h.baseFeePerGas + 1n },
      { ...h, extraData: '0x01' as const },
    ]
    for (const v of variants) expect(hashHeader(v)).not.toBe(hashHeader(h))
    expect(encodeHeader(h).startsWith('0xf9')).toBe(true)
  })

  it('round-trips through its stored JSON form', () => {
    const h = header(123n, `0x${'cd'.repeat(32)}`)
    expect(headerFromJSON(headerToJSON(h))).toEqual(h)
  })

  it('list roots depend on order and content', () => {
    expect(listRoot(['0x01', '0x02'])).not.toBe(listRoot(['0x02', '0x01']))
    expect(listRoot([])).toBe('0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347')
  })
})

describe('EIP-1559 base fee', () => {
  const parent = { gasLimit: 30_000_000n, baseFeePerGas: 1_000_000_000n }
  it('stays at target, rises 12.5% when full, falls 12.5% when empty', () => {
    expect(nextBaseFee({ ...parent, gasUsed: 15_000_000n })).toBe(1_000_000_000n)
    expect(nextBaseFee({ ...parent, gasUsed: 30_000_000n })).toBe(1_125_000_000n)
    expect(nextBaseFee({ ...parent, gasUsed: 0n })).toBe(875_000_000n)
    expect(nextBaseFee({ ...parent, gasUsed: 22_500_000n })).toBe(1_062_500_000n)
  })
  it('rises by at least 1 wei above target and never goes below the minimum', () => {
    expect(nextBaseFee({ gasLimit: 30_000_000n, baseFeePerGas: 7n, gasUsed: 15_000_001n })).toBe(8n)
    expect(nextBaseFee({ gasLimit: 30_000_000n, baseFeePerGas: 7n, gasUsed: 0n })).toBe(7n)
  })
})
