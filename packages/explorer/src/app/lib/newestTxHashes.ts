import type { RPCBlock } from './types.js'

/**
 * The hashes of the newest `count` transactions of `blocks` (given newest block first): the last
 * transaction of the newest block first.
 *
 * @example
 * newestTxHashes([{ transactions: ['0xb1', '0xb2'] }, { transactions: ['0xa1'] }] as RPCBlock[], 2) // ['0xb2', '0xb1']
 */
export function newestTxHashes(blocks: readonly RPCBlock[], count: number): string[] {
  const out: string[] = []
  for (const b of blocks)
    for (let i = b.transactions.length - 1; i >= 0 && out.length < count; i--) {
      const t = b.transactions[i]!
      out.push(typeof t === 'string' ? t : t.hash)
    }
  return out
}
