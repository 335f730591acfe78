import { describe, expect, it } from 'vitest'
import {
  formatClock,
  formatDuration,
  formatEther,
  hexToNum,
  shortHash,
  vmOfCode,
} from '../../src/app/lib/format.js'

describe('formatters', () => {
  it('reads quantities', () => {
    expect(hexToNum('0x2a')).toBe(42)
    expect(hexToNum(7)).toBe(7)
    expect(hexToNum(null)).toBe(0)
  })

  it('shortens hashes and leaves short ones whole', () => {
    expect(shortHash(`0x${'ab'.repeat(32)}`)).toBe('0xababab…ababab')
    expect(shortHash('0x1234')).toBe('0x1234')
    expect(shortHash(null)).toBe('-')
  })

  it.each([
    [850, '850 ms'],
    [2400, '2.4 s'],
    [42_000, '42 s'],
    [185_000, '3 min 5 s'],
    [7_800_000, '2 h 10 min'],
    [-1, '-'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('formats wei as ETH', () => {
    expect(formatEther('0xde0b6b3a7640000')).toBe('1 ETH')
    expect(formatEther(15n * 10n ** 17n)).toBe('1.5 ETH')
    expect(formatEther(12_345n * 10n ** 18n + 1n)).toBe('12,345 ETH')
    expect(formatEther('0x0')).toBe('0 ETH')
  })

  it('tells the VM from the code', () => {
    expect(vmOfCode('0x0061736d01000000')).toBe('wasm')
    expect(vmOfCode('0x6080604052')).toBe('evm')
    expect(vmOfCode('0x')).toBe('none')
  })

  it('prints a UTC clock', () => {
    expect(formatClock(3600 + 61)).toBe('01:01:01')
  })
})
