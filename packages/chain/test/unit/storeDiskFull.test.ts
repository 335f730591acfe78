import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSerialExecutor, genesisWriteSet } from '@rollup-mesh/dual-vm'
import { type Address, type Hex, parseEther } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import { Chain } from '../../src/chain.js'
import { ChainStore } from '../../src/store.js'
import { DiskFullError } from '../../src/storeDiskFull.js'
import { CHAIN_ID, keys, signTx } from './helpers.js'

const alice = keys[0]?.address.toLowerCase() as Address
const dir = mkdtempSync(join(tmpdir(), 'store-disk-full-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * A full disk without root: SQLite answers SQLITE_FULL when a write needs a page beyond `max_page_count`,
 * exactly as when the filesystem has no space left (the soak's disk scenario fills a real tmpfs).
 */
async function openChain() {
  const store = new ChainStore({ path: join(dir, `chain-${Math.random().toString(36).slice(2)}.db`) })
  const chain = new Chain(
    { chainId: CHAIN_ID, blockGasLimit: 30_000_000n, coinbase: alice },
    { store, executor: createSerialExecutor() },
  )
  const { writeSet, stateRoot } = genesisWriteSet({ [alice]: { balance: parseEther('100') } })
  await chain.open({ writeSet, stateRoot, timestamp: 1_700_000_000n })
  const pragma = store.registerExtension({ name: 'test_pragma', migrations: [() => {}] })
  const pages = () => pragma.prepare('PRAGMA page_count').pluck().get() as number
  return {
    chain,
    store,
    /** No page beyond what the file has now: the next write that needs one fails with SQLITE_FULL. */
    fill: () => pragma.prepare(`PRAGMA max_page_count = ${pages()}`).get(),
    /** Space returns. */
    free: () => pragma.prepare('PRAGMA max_page_count = 1073741823').get(),
  }
}

const bulky = (nonce: number) =>
  signTx(0, { nonce, data: `0x${'ab'.repeat(32 * 1024)}` as Hex, gas: 2_000_000n })

describe('a full disk (SQLITE_FULL) in the chain store', () => {
  it('eth_sendRawTransaction is refused with CHAIN_DISK_FULL (-32000, "disk full") and changes nothing; accepted once space returns', async () => {
    const { chain, store, fill, free } = await openChain()
    fill()
    const raw = await bulky(0)
    const refused = await chain.mempool.add(raw).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(DiskFullError)
    expect(refused).toMatchObject({ code: 'CHAIN_DISK_FULL', rpcCode: -32000 })
    expect((refused as Error).message).toMatch(/^disk full: no space left for the chain store .*chain-.*\.db/)
    // not acknowledged, not kept: the pool (memory and file) is as it was, so the same tx can be resent
    expect(chain.mempool.size).toBe(0)
    expect(store.poolAll()).toEqual([])
    free()
    await chain.mempool.add(raw)
    expect(store.poolAll().map((t) => t.raw)).toEqual([raw])
    store.close()
  })

  it('a block that cannot be committed changes nothing: head, pool and state stay; it commits once space returns', async () => {
    const { chain, store, fill, free } = await openChain()
    const raw = await bulky(0)
    const hash = await chain.mempool.add(raw) // acknowledged
    fill()
    const built = await chain.buildBlock()
    expect(built.txs).toHaveLength(1)
    expect(() => chain.commitCandidate(built)).toThrow(DiskFullError)
    expect(chain.head().number).toBe(0n)
    expect(store.head()?.number).toBe(0n)
    expect(chain.mempool.size).toBe(1)
    expect(store.poolAll().map((t) => t.hash)).toEqual([hash])
    free()
    const again = await chain.buildBlock()
    chain.commitCandidate(again)
    expect(chain.head().number).toBe(1n)
    expect(store.getBlockTxs(1n).map((t) => t.hash)).toEqual([hash])
    expect(store.poolAll()).toEqual([])
    store.close()
  })
})
