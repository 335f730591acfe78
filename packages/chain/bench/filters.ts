// Cost of polling log filters on the block path: what `Chain.events` 'block' spends in
// `createFilterMethods`' listener for N installed log filters over a block of 1,000 logs (each filter names
// one of 50 addresses and one topic; half the logs come from those addresses).
// Run: node --conditions source --import tsx packages/chain/bench/filters.ts
import { TypedEmitter } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import type { Chain } from '../src/chain.js'
import { createFilterMethods } from '../src/rpc/filters.js'
import type { ChainEvents, SealedBlock } from '../src/sealedBlock.js'

const topic: Hex = `0x${'11'.repeat(32)}`
const address = (i: number) => `0x${i.toString(16).padStart(40, '0')}` as Address
const block = {
  header: { number: 1n, hash: `0x${'33'.repeat(32)}` },
  txs: [],
  receipts: Array.from({ length: 1_000 }, (_, i) => ({
    transactionHash: `0x${'22'.repeat(32)}`,
    logs: [{ address: address(i % 100), topics: [topic], data: '0x' }],
  })),
  skipped: 0,
} as unknown as SealedBlock

const rows: string[] = ['| log filters | median ms per 1,000-log block | min ms |', '| ---: | ---: | ---: |']
for (const n of [0, 10, 100, 1_000]) {
  const events = new TypedEmitter<ChainEvents>({ onListenerError: (err) => console.error(err) })
  const pool = new TypedEmitter<{ tx: unknown }>({ onListenerError: () => {} })
  const chain = { events, mempool: { events: pool } } as unknown as Chain
  const methods = createFilterMethods(chain, { maxFilters: 10_000, maxChanges: 1_000_000 })
  for (let i = 0; i < n; i++) methods.eth_newFilter?.([{ address: address(i % 50), topics: [topic] }], {})
  const times: number[] = []
  for (let k = 0; k < 21; k++) {
    const t = performance.now()
    events.emit('block', block)
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  rows.push(`| ${n} | ${times[10]?.toFixed(2)} | ${times[0]?.toFixed(2)} |`)
}
console.log(rows.join('\n'))
