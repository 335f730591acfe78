import { describe, expect, it } from 'vitest'
import { newestTxHashes } from '../../src/app/lib/newestTxHashes.js'
import type { RPCBlock } from '../../src/app/lib/types.js'

const block = (transactions: RPCBlock['transactions']) => ({ transactions }) as RPCBlock

describe('newestTxHashes', () => {
  it('takes the newest block’s last transactions first, then older blocks, up to the count', () => {
    const blocks = [block(['0xc1', '0xc2']), block([]), block(['0xa1', '0xa2', '0xa3'])]
    expect(newestTxHashes(blocks, 4)).toEqual(['0xc2', '0xc1', '0xa3', '0xa2'])
    expect(newestTxHashes(blocks, 1)).toEqual(['0xc2'])
    expect(newestTxHashes(blocks, 10)).toHaveLength(5)
    expect(newestTxHashes([], 3)).toEqual([])
  })

  it('reads full transaction objects as well as hashes', () => {
    const full = block([{ hash: '0xf1' } as never, '0xf2'])
    expect(newestTxHashes([full], 2)).toEqual(['0xf2', '0xf1'])
  })

  it('stays within the count however large the blocks are (a 5,000-transaction block)', () => {
    const big = block(Array.from({ length: 5000 }, (_, i) => `0x${i.toString(16)}`))
    expect(newestTxHashes([big, big], 20)).toHaveLength(20)
    expect(newestTxHashes([big], 20)[0]).toBe(`0x${(4999).toString(16)}`)
  })
})
