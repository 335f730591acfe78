import { keccak256 } from 'viem'
import { describe, expect, it } from 'vitest'
import { memoKeccak256 } from '../../../src/evm/speedups.js'

describe('memoKeccak256', () => {
  it('equals keccak256 for short (cached) and long inputs, on first and repeated calls', () => {
    const inputs = [0, 1, 31, 32, 63, 64, 65, 200].map((n) =>
      Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 255),
    )
    for (let round = 0; round < 2; round++)
      for (const input of inputs) expect(memoKeccak256(input)).toEqual(keccak256(input, 'bytes'))
  })

  it('hashes the viewed bytes of a subarray, not its whole buffer', () => {
    const buffer = Uint8Array.from({ length: 96 }, (_, i) => i)
    const view = buffer.subarray(16, 80)
    expect(memoKeccak256(view)).toEqual(keccak256(view.slice(), 'bytes'))
  })

  it('returns a copy: changing a returned digest does not change later answers', () => {
    const input = new Uint8Array(64).fill(9)
    const first = memoKeccak256(input)
    first.fill(0)
    expect(memoKeccak256(input)).toEqual(keccak256(input, 'bytes'))
  })
})
