/**
 * Store-level cost of state history: `ChainStore.commitBlock` of an ERC20-like 5,000-transaction write set
 * (5,000 senders' nonce and balance, the coinbase, 10,000 token balance slots, the 64 state-commitment
 * slots) with history (`history: { blocks: 'all' }`, the default) and without (`blocks: 0`), on a file
 * database in WAL mode as a node runs it. Prints a table; record it in BENCHMARKS.md.
 *
 *   npm run bench:history -w @rollup-mesh/chain [-- --blocks 12 --txs 5000]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AccountState, WriteSet } from '@rollup-mesh/core'
import { type Address, type Hex, numberToHex } from 'viem'
import { EMPTY_BLOOM, hashHeader, receiptsRootOf, transactionsRootOf } from '../src/block.js'
import { ChainStore, type HistoryRetention } from '../src/store.js'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const BLOCKS = arg('blocks', 12)
const TXS = arg('txs', 5_000)
const EMPTY_CODE_HASH: Hex = '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470'
const TOKEN: Address = '0x00000000000000000000000000000000000e2c20'
const COMMITMENT: Address = '0x00000000000000000000000000000000004c7448'
const addr = (i: number) => `0x${(0x100000 + i).toString(16).padStart(40, '0')}` as Address
const word = (n: bigint) => numberToHex(n, { size: 32 })

/** Block `b`: every sender's nonce and balance change, and two token slots per transfer (sender, recipient). */
function writeSet(b: number): WriteSet {
  const accounts = new Map<Address, AccountState | null>()
  const storage = new Map<Address, Map<Hex, Hex>>()
  const token = new Map<Hex, Hex>()
  for (let i = 0; i < TXS; i++) {
    accounts.set(addr(i), {
      nonce: BigInt(b),
      balance: 10n ** 21n - BigInt(b) * 10n ** 15n,
      codeHash: EMPTY_CODE_HASH,
      vm: 'evm',
    })
    token.set(word(BigInt(i)), word(10n ** 20n - BigInt(b)))
    token.set(word(BigInt(TXS + ((i * 7 + b) % TXS))), word(BigInt(b) + 1n))
  }
  accounts.set('0x000000000000000000000000000000000000c0b5', {
    nonce: 0n,
    balance: BigInt(b) * 10n ** 18n,
    codeHash: EMPTY_CODE_HASH,
    vm: 'evm',
  })
  storage.set(TOKEN, token)
  storage.set(
    COMMITMENT,
    new Map(Array.from({ length: 64 }, (_, i) => [word(BigInt(i)), word(BigInt(b * 64 + i + 1))])),
  )
  return { accounts, storage, code: new Map() }
}

function run(history: HistoryRetention): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'chain-bench-history-'))
  const store = new ChainStore({ path: join(dir, 'chain.db'), checkpointIntervalMs: 1_000, history })
  let parent: Hex = `0x${'00'.repeat(32)}`
  const times: number[] = []
  try {
    for (let b = 0; b <= BLOCKS; b++) {
      const header = {
        parentHash: parent,
        number: BigInt(b),
        timestamp: 1_700_000_000n + BigInt(b),
        coinbase: '0x000000000000000000000000000000000000c0b5' as Address,
        stateRoot: word(BigInt(b)),
        transactionsRoot: transactionsRootOf([]),
        receiptsRoot: receiptsRootOf([]),
        logsBloom: EMPTY_BLOOM,
        gasUsed: 0n,
        gasLimit: 30_000_000n,
        baseFeePerGas: 1_000_000_000n,
        exitRoot: word(0n),
        extraData: '0x' as Hex,
      }
      const hash = hashHeader(header)
      const ws = writeSet(b)
      const t0 = performance.now()
      store.commitBlock({ header, hash, txs: [], receipts: [], writeSet: ws, mempoolRemovals: [] })
      if (b > 1) times.push(performance.now() - t0) // block 0 is genesis, block 1 creates every row
      parent = hash
    }
  } finally {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return times
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const without = run({ blocks: 0 })
const withHistory = run({ blocks: 'all' })
const a = median(without)
const h = median(withHistory)
console.log(
  `commitBlock, ${TXS} ERC20-like transfers' write set (${2 * TXS + 65} slots, ${TXS + 1} accounts), median of ${BLOCKS - 1} blocks`,
)
console.log('| history | commit ms (median) | min | max |')
console.log('| --- | --- | --- | --- |')
console.log(
  `| off (blocks: 0) | ${a.toFixed(1)} | ${Math.min(...without).toFixed(1)} | ${Math.max(...without).toFixed(1)} |`,
)
console.log(
  `| all (default) | ${h.toFixed(1)} | ${Math.min(...withHistory).toFixed(1)} | ${Math.max(...withHistory).toFixed(1)} |`,
)
console.log(`history costs ${(h - a).toFixed(1)} ms per block (+${(((h - a) / a) * 100).toFixed(0)}%)`)
