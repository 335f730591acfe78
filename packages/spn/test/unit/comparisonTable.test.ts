import { describe, expect, it } from 'vitest'
import { comparisonTable } from '../../bench/comparisonTable.js'

describe('comparisonTable (bench:spn)', () => {
  it('puts the spn/anvil ratio right after the anvil column, further runs after it', () => {
    const lines = comparisonTable(
      { spn: { txPerSec: 900 }, anvil: { txPerSec: 600 }, wasm: { txPerSec: 450 } },
      ['txPerSec', 'blocks'],
      8,
    )
    expect(lines.map((l) => l.split(/\s+/))).toEqual([
      ['metric', 'spn', 'anvil', 'spn/anvil', 'wasm'],
      ['txPerSec', '900', '600', '1.50', '450'],
      ['blocks', '-', '-', '-', '-'],
    ])
  })

  it('has no ratio column without both spn and anvil', () => {
    expect(comparisonTable({ wasm: { txPerSec: 450 } }, ['txPerSec'], 8)[0]!.split(/\s+/)).toEqual([
      'metric',
      'wasm',
    ])
    expect(comparisonTable({ spn: { txPerSec: 1 } }, ['txPerSec'], 8)[1]!.split(/\s+/)).toEqual([
      'txPerSec',
      '1',
    ])
  })
})
