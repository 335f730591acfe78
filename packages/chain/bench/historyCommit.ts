/**
 * Store-level cost of state history: `ChainStore.commitBlock` of an ERC20-like 5,000-transaction write set
 * (5,000 senders' nonce and balance, the coinbase, 10,000 token balance slots, the 64 state-commitment
 * slots) with history (`history: { blocks: 'all' }`, the default) and without (`blocks: 0`), on a file
 * database in WAL mode as a node runs it. Prints a table; record it in BENCHMARKS.md.
 *
 *   npm run bench:history -w @rollup-mesh/chain [-- --blocks 12 --txs 5000]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AccountState, WriteSet } from '@rollup-mesh/core'
import { type Address, type Hex, numberToHex } from 'viem'
import { EMPTY_BLOOM, hashHeader, receiptsRootOf, transactionsRootOf } from '../src/block.js'
import { SQLiteStateView } from '../src/state.js'
import { ChainStore } from '../src/store.js'
import type { HistoryRetention } from '../src/storeTypes.js'

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

type Mode = { name: string; history: HistoryRetention; prior: boolean }

/**
 * Commits the blocks; before each, the block's keys are read through the chain's state cache
 * (`SQLiteStateView`), as the executor and the state commitment read them in a node (untimed). `prior`:
 * the commit takes the pre-block values from that cache, as `Chain` passes it. The history's work behind
 * the head (`catchUpHistory`: the per-key index) is timed on its own after each commit.
 */
function run(mode: Mode): { commit: number[]; cpu: number[]; index: number[] } {
  const dir = mkdtempSync(join(tmpdir(), 'chain-bench-history-'))
  const store = new ChainStore({
    path: join(dir, 'chain.db'),
    checkpointIntervalMs: 1_000,
    history: mode.history,
    historyIndexing: 'manual',
  })
  const cache = new SQLiteStateView(store)
  let parent: Hex = `0x${'00'.repeat(32)}`
  const commit: number[] = []
  const cpu: number[] = []
  const index: number[] = []
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
      for (const a of ws.accounts.keys()) cache.getAccount(a)
      for (const [a, slots] of ws.storage) for (const slot of slots.keys()) cache.getStorage(a, slot)
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      store.commitBlock({
        header,
        hash,
        txs: [],
        receipts: [],
        writeSet: ws,
        mempoolRemovals: [],
        ...(mode.prior ? { prior: cache } : {}),
      })
      const t1 = performance.now()
      const c1 = process.cpuUsage(c0)
      cache.apply(ws)
      const t2 = performance.now()
      store.catchUpHistory()
      const t3 = performance.now()
      if (b > 1) {
        // block 0 is genesis, block 1 creates every row
        commit.push(t1 - t0)
        cpu.push((c1.user + c1.system) / 1000)
        index.push(t3 - t2)
      }
      parent = hash
    }
  } finally {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return { commit, cpu, index }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const modes: Mode[] = [
  { name: 'off (`blocks: 0`)', history: { blocks: 0 }, prior: false },
  { name: 'all, pre-block values read from SQLite', history: { blocks: 'all' }, prior: false },
  {
    name: "all, pre-block values from the chain's state cache (a node)",
    history: { blocks: 'all' },
    prior: true,
  },
]
const results = modes.map((m) => ({ mode: m, ...run(m) }))
console.log(
  `commitBlock, ${TXS} ERC20-like transfers' write set (${2 * TXS + 65} slots, ${TXS + 1} accounts), median of ${BLOCKS - 1} blocks`,
)
console.log(
  '| history | commit ms (median) | min | max | commit CPU ms (median, all threads) | index behind the head, ms per block (median) |',
)
console.log('| --- | --- | --- | --- | --- | --- |')
for (const r of results)
  console.log(
    `| ${r.mode.name} | ${median(r.commit).toFixed(1)} | ${Math.min(...r.commit).toFixed(1)} | ${Math.max(...r.commit).toFixed(1)} | ${median(r.cpu).toFixed(1)} | ${median(r.index).toFixed(1)} |`,
  )
const off = median(results[0]?.commit ?? [])
const offCpu = median(results[0]?.cpu ?? [])
for (const r of results.slice(1)) {
  const h = median(r.commit)
  const c = median(r.cpu)
  console.log(
    `${r.mode.name}: +${(h - off).toFixed(1)} ms per block on the block path (+${(((h - off) / off) * 100).toFixed(0)}%), CPU +${(c - offCpu).toFixed(1)} ms (+${(((c - offCpu) / offCpu) * 100).toFixed(0)}%)`,
  )
}
console.log(`load average at the end: ${loadavg()[0]?.toFixed(1)} (shared machine)`)
