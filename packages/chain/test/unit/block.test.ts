import { describe, expect, it } from 'vitest'
import { nextBaseFee } from '../../src/basefee.js'
import { encodeHeader, hashHeader, receiptsRootOf, transactionsRootOf } from '../../src/block.js'
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

  it('transaction and receipt roots commit to order and content', () => {
    const a = `0x${'01'.repeat(32)}` as const
    const b = `0x${'02'.repeat(32)}` as const
    expect(transactionsRootOf([a, b])).not.toBe(transactionsRootOf([b, a]))
    expect(transactionsRootOf([])).toBe('0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    const log = { address: `0x${'aa'.repeat(20)}` as const, topics: [a], data: '0x01' as const }
    const r = { status: 1, cumulativeGasUsed: 21_000n, logs: [log] }
    const base = receiptsRootOf([r])
    expect(receiptsRootOf([{ ...r, status: 0 }])).not.toBe(base)
    expect(receiptsRootOf([{ ...r, cumulativeGasUsed: 21_001n }])).not.toBe(base)
    expect(receiptsRootOf([{ ...r, logs: [{ ...log, data: '0x02' }] }])).not.toBe(base)
    expect(receiptsRootOf([{ ...r, logs: [{ ...log, topics: [b] }] }])).not.toBe(base)
    expect(receiptsRootOf([{ ...r, logs: [] }, r])).not.toBe(receiptsRootOf([r, { ...r, logs: [] }]))
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
