import { type Chain, ChainRewindError, type StoredLog } from '@rollup-mesh/chain'
import { SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { describe, expect, it } from 'vitest'
import { settlementRewindGuard } from '../../src/settlementRewindGuard.js'

/** A chain whose head is block 10 and whose Settlement contract logged in the given blocks. */
function chainWithSettlementLogs(blocks: bigint[]): Chain {
  const logs = blocks.map(
    (n) =>
      ({
        address: SYSTEM_ADDRESSES.mainnet.settlement,
        topics: [],
        data: '0x',
        blockNumber: n,
        blockHash: `0x${'00'.repeat(32)}`,
        transactionHash: `0x${'00'.repeat(32)}`,
        transactionIndex: 0,
        logIndex: 0,
      }) as StoredLog,
  )
  return {
    head: () => ({ number: 10n }),
    store: {
      getLogs: (q: { fromBlock: bigint; toBlock: bigint; addresses: readonly string[]; limit: number }) =>
        logs
          .filter(
            (l) =>
              l.blockNumber >= q.fromBlock &&
              l.blockNumber <= q.toBlock &&
              q.addresses.map((a) => a.toLowerCase()).includes(l.address.toLowerCase()),
          )
          .slice(0, q.limit),
    },
  } as unknown as Chain
}

describe('settlementRewindGuard', () => {
  it('refuses a rewind below a block that accepted a settlement, naming it', () => {
    const guard = settlementRewindGuard(chainWithSettlementLogs([7n]))
    expect(() => guard.check?.(6n)).toThrow(ChainRewindError)
    expect(() => guard.check?.(6n)).toThrow('block 7 accepted a settlement')
  })

  it('allows a rewind to that block or later, and when no settlement was accepted', () => {
    expect(() => settlementRewindGuard(chainWithSettlementLogs([7n])).check?.(7n)).not.toThrow()
    expect(() => settlementRewindGuard(chainWithSettlementLogs([])).check?.(0n)).not.toThrow()
  })
})
