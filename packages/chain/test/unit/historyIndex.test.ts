import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
// The real executor: chain's tests may use dual-vm (chain's src never imports it).
import { commitWriteSet, createSerialExecutor, genesisWriteSet, stateRootOf } from '@rollup-mesh/dual-vm'
import { type Address, numberToHex, parseEther } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import { Chain } from '../../src/chain.js'
import { ChainStore } from '../../src/store.js'
import type { ChainStoreOptions } from '../../src/storeTypes.js'
import { CHAIN_ID, keys, signTx } from './helpers.js'

const alice = keys[0]?.address.toLowerCase() as Address
const bob = keys[1]?.address.toLowerCase() as Address
const carol = keys[2]?.address.toLowerCase() as Address
/** A register: stores CALLVALUE in slot 0 when it is not zero (as history.test.ts). */
const COUNTER: Address = '0x00000000000000000000000000000000000c0de1'
const SLOT5 = numberToHex(5, { size: 32 })
const dir = mkdtempSync(join(tmpdir(), 'chain-history-index-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function genesis() {
  const { writeSet, stateRoot } = genesisWriteSet({
    [alice]: { balance: parseEther('1000') },
    [carol]: { balance: parseEther('1000') },
    [COUNTER]: { code: '0x5f545f523415600c57345f555b60205ff3' },
  })
  return { writeSet, stateRoot, timestamp: 1_700_000_000n }
}

async function openChain(options: Omit<ChainStoreOptions, 'path'> & { path?: string }) {
  const store = new ChainStore({ path: ':memory:', ...options })
  const chain = new Chain(
    { chainId: CHAIN_ID, blockGasLimit: 30_000_000n },
    { store, executor: createSerialExecutor(), commitWriteSet },
  )
  await chain.open(genesis())
  return { chain, store }
}

/** Blocks `from..to`: alice sends bob `i` wei and calls the counter with value `i` (bob has i(i+1)/2). */
async function produce(chain: Chain, from: number, to: number, counter = true): Promise<void> {
  for (let i = from; i <= to; i++) {
    const nonce = Number(chain.state.getAccount(alice)?.nonce ?? 0n)
    await chain.mempool.add(await signTx(0, { nonce, to: bob, value: BigInt(i) }))
    if (counter)
      await chain.mempool.add(
        await signTx(0, { nonce: nonce + 1, to: COUNTER, value: BigInt(i), gas: 60_000n }),
      )
    await chain.produceBlock(chain.head().timestamp + 1n)
  }
}

const bobAt = (i: number) => BigInt((i * (i + 1)) / 2)

function expectBlocks(store: ChainStore, from: number, to: number, counterUntil = to): void {
  for (let i = from; i <= to; i++) {
    expect(store.accountAt(bob, BigInt(i))?.balance ?? 0n).toBe(bobAt(i))
    expect(BigInt(store.storageAt(COUNTER, '0x0', BigInt(i)))).toBe(BigInt(Math.min(i, counterUntil)))
  }
}

describe('the state history index, built behind the head', () => {
  it('reads are right before, while and after the index is built, and after a rewind', async () => {
    const { chain, store } = await openChain({ historyIndexing: 'manual' })
    await produce(chain, 1, 20)
    // nothing indexed: every read scans the change sets after its block
    expect(store.historyStatus()).toEqual({ indexedUpTo: 0, unindexed: 20 })
    expectBlocks(store, 0, 20)
    expect(store.historyStatus().unindexed).toBe(20)
    expect(store.catchUpHistory()).toEqual({ indexed: 20, pruned: 0 })
    expect(store.historyStatus()).toEqual({ indexedUpTo: 20 * 2 ** 20, unindexed: 0 })
    expectBlocks(store, 0, 20)
    // indexed part + unindexed tail
    await produce(chain, 21, 30)
    expect(store.historyStatus().unindexed).toBe(10)
    expectBlocks(store, 0, 30)
    // a rewind into the indexed part drops the index entries above it: the counter is not called after
    // block 12 any more, so an index entry left from the old blocks 13..20 would show in reads
    const at12 = { block: 12n, version: 12 * 2 ** 20, pool: [], stateRoot: undefined }
    await chain.rewind(at12)
    expect(store.historyStatus()).toEqual({ indexedUpTo: 12 * 2 ** 20, unindexed: 0 })
    expect(store.accountAt(bob, 12n)?.balance).toBe(bobAt(12))
    expect(chain.state.getAccount(bob)?.balance).toBe(bobAt(12))
    await produce(chain, 13, 25, false)
    expectBlocks(store, 0, 25, 12)
    expect(store.catchUpHistory().indexed).toBe(13)
    expectBlocks(store, 0, 25, 12)
    store.close()
  })

  it('a dir with many unindexed blocks: one read catches the index up', async () => {
    const { chain, store } = await openChain({ historyIndexing: 'manual' })
    await produce(chain, 1, 40)
    expect(store.historyStatus().unindexed).toBe(40)
    expect(store.accountAt(bob, 2n)?.balance).toBe(bobAt(2))
    expect(store.historyStatus().unindexed).toBe(0)
    store.close()
  })

  it('by default the index catches up by itself once commits pause, and retention prunes off the block path', async () => {
    const { chain, store } = await openChain({ history: { blocks: 5 } })
    await produce(chain, 1, 12)
    const deadline = Date.now() + 30_000
    while (store.historyStatus().unindexed > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50))
    expect(store.historyStatus()).toEqual({ indexedUpTo: 12 * 2 ** 20, unindexed: 0 })
    expect(store.oldestStateBlock()).toBe(8n)
    expectBlocks(store, 8, 12)
    // pruned: nothing at or below block 8 is kept (a second catch-up finds nothing to do)
    expect(store.catchUpHistory()).toEqual({ indexed: 0, pruned: 0 })
    store.close()
  })
})

describe('a data dir of schema 4 (session 7: a history row and index entry per key, in the block)', () => {
  it('opens: its history becomes change sets, every block stays readable, and blocks commit after', async () => {
    const path = join(dir, 'schema4.db')
    const fixture = new URL('../fixtures/chaindb-schema4/chain.db.gz', import.meta.url)
    writeFileSync(path, gunzipSync(readFileSync(fixture)))
    const { chain, store } = await openChain({ path, historyIndexing: 'manual' })
    expect(store.getMeta('schema')).toBe('5')
    expect(chain.head().number).toBe(6n)
    expect(store.oldestStateBlock()).toBe(0n)
    expect(store.historyStatus()).toEqual({ indexedUpTo: 0, unindexed: 7 }) // 6 blocks + 1 dev write
    const check = () => {
      expectBlocks(store, 0, 6)
      for (let i = 0n; i <= 6n; i++) {
        expect(store.accountAt(alice, i)?.nonce).toBe(2n * i)
        expect(store.accountAt(carol, i)?.balance).toBe(i <= 3n ? parseEther('1000') : 7n)
        expect(BigInt(store.storageAt(COUNTER, SLOT5, i))).toBe(i <= 3n ? 0n : 77n)
      }
    }
    check()
    expect(store.catchUpHistory().indexed).toBe(7)
    check()
    await produce(chain, 7, 8)
    expectBlocks(store, 0, 8)
    expect(stateRootOf(chain.state)).toBe(chain.head().stateRoot)
    store.close()
  })
})
