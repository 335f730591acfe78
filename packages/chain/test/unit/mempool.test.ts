import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Address } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import { TxRejectedError } from '../../src/errors.js'
import { Mempool, type MempoolOptions } from '../../src/mempool.js'
import { SQLiteStateView } from '../../src/state.js'
import type { ChainStore } from '../../src/store.js'
import { CHAIN_ID, keys, signTx, storeWithGenesis } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'chain-pool-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const gwei = 1_000_000_000n

function pool(store: ChainStore, opts: Partial<MempoolOptions> = {}, baseFee = gwei): Mempool {
  return new Mempool(
    { chainId: CHAIN_ID, blockGasLimit: 30_000_000n, ...opts },
    { state: new SQLiteStateView(store), baseFee: () => baseFee, store },
  )
}

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    if (err instanceof TxRejectedError) return `${err.reason}: ${err.shortMessage}`
    throw err
  }
  return 'accepted'
}

describe('Mempool validation', () => {
  it('refuses each invalid transaction with geth wording', async () => {
    const store = storeWithGenesis(':memory:', 10n ** 18n)
    const mp = pool(store)
    expect(await reason(mp.add(await signTx(0, { gas: 20_000n })))).toMatch(
      /^INTRINSIC_GAS_TOO_LOW: intrinsic gas too low/,
    )
    expect(
      await reason(mp.add(await signTx(0, { maxFeePerGas: gwei - 1n, maxPriorityFeePerGas: 1n }))),
    ).toMatch(/^FEE_CAP_TOO_LOW: max fee per gas less than block base fee/)
    expect(await reason(mp.add(await signTx(0, { value: 10n ** 18n })))).toMatch(
      /^INSUFFICIENT_FUNDS: insufficient funds for gas \* price \+ value/,
    )
    expect(await reason(mp.add(await signTx(2)))).toMatch(/^INSUFFICIENT_FUNDS/) // unfunded account
    expect(await reason(mp.add(await signTx(0, { gas: 40_000_000n })))).toMatch(/^GAS_LIMIT_EXCEEDED/)
    expect(await reason(mp.add(await signTx(0, { nonce: 65 })))).toMatch(/^NONCE_TOO_HIGH: nonce too high/)
    expect(await reason(mp.add(await signTx(0, { chainId: 1 })))).toMatch(/^WRONG_CHAIN_ID/)
    const ok = await signTx(0)
    expect(await reason(mp.add(ok))).toBe('accepted')
    expect(await reason(mp.add(ok))).toBe('ALREADY_KNOWN: already known')
    expect(mp.size).toBe(1)
  })

  it('holds gaps back, orders by nonce per sender and by tip across senders', async () => {
    const store = storeWithGenesis()
    const mp = pool(store)
    await mp.add(await signTx(0, { nonce: 1, maxPriorityFeePerGas: 5n * gwei, maxFeePerGas: 10n * gwei }))
    await mp.add(await signTx(0, { nonce: 3 })) // gap at 2
    expect(mp.select(gwei, 30_000_000n)).toHaveLength(0) // nonce 0 missing: nothing executable
    await mp.add(await signTx(0, { nonce: 0, maxPriorityFeePerGas: 1n }))
    await mp.add(await signTx(1, { nonce: 0, maxPriorityFeePerGas: 2n * gwei, maxFeePerGas: 3n * gwei }))
    const sel = mp.select(gwei, 30_000_000n)
    // Sender 1 (tip 2 gwei) beats sender 0's head (tip 1 wei); sender 0's nonce 1 follows its nonce 0; nonce 3 waits.
    expect(sel.map((t) => [t.from === keys[1]!.address.toLowerCase() ? 1 : 0, Number(t.nonce)])).toEqual([
      [1, 0],
      [0, 0],
      [0, 1],
    ])
    expect(mp.stats()).toEqual({ pending: 3, queued: 1 }) // nonce 3 waits for 2
    expect(mp.pendingNonce(keys[0]!.address as Address)).toBe(2n)
    expect(mp.select(gwei, 42_000n)).toHaveLength(2) // gas limit
    // The gap limit counts from the pending nonce (2), not the state nonce (0).
    expect(await reason(mp.add(await signTx(0, { nonce: 66 })))).toBe('accepted')
    expect(await reason(mp.add(await signTx(0, { nonce: 67 })))).toMatch(
      /^NONCE_TOO_HIGH: nonce too high: next nonce 2/,
    )
    expect(mp.select(gwei, 30_000_000n, 1)).toHaveLength(1) // count limit
    expect(mp.select(4n * gwei, 30_000_000n).map((t) => Number(t.nonce))).toEqual([]) // sender 0 head can't pay; sender 1 cap 3 gwei
  })

  it('replaces only with a >= 10% bump of both fee cap and tip', async () => {
    const store = storeWithGenesis()
    const mp = pool(store)
    const first = await signTx(0, { maxFeePerGas: 10n * gwei, maxPriorityFeePerGas: 2n * gwei })
    await mp.add(first)
    expect(
      await reason(
        mp.add(
          await signTx(0, { value: 2n, maxFeePerGas: 10n * gwei + 1n, maxPriorityFeePerGas: 3n * gwei }),
        ),
      ),
    ).toMatch(/^REPLACEMENT_UNDERPRICED: replacement transaction underpriced/)
    expect(
      await reason(
        mp.add(
          await signTx(0, { value: 2n, maxFeePerGas: 11n * gwei, maxPriorityFeePerGas: 2n * gwei + 1n }),
        ),
      ),
    ).toMatch(/^REPLACEMENT_UNDERPRICED/)
    const bumped = await signTx(0, {
      value: 2n,
      maxFeePerGas: 11n * gwei,
      maxPriorityFeePerGas: (22n * gwei) / 10n,
    })
    const hash = await mp.add(bumped)
    expect(mp.size).toBe(1)
    expect(mp.get(hash)?.value).toBe(2n)
    expect(store.poolAll().map((p) => p.hash)).toEqual([hash])
  })

  it('is bounded: evicts the lowest tip for a better one, refuses a worse one', async () => {
    const store = storeWithGenesis()
    const mp = pool(store, { maxSize: 2 })
    await mp.add(await signTx(0, { nonce: 0, maxPriorityFeePerGas: 3n }))
    const cheap = await mp.add(await signTx(0, { nonce: 1, maxPriorityFeePerGas: 2n }))
    expect(await reason(mp.add(await signTx(1, { maxPriorityFeePerGas: 1n })))).toMatch(
      /^POOL_FULL: txpool is full/,
    )
    const better = await mp.add(await signTx(1, { maxPriorityFeePerGas: gwei }))
    expect(mp.size).toBe(2)
    expect(mp.has(cheap)).toBe(false)
    expect(mp.has(better)).toBe(true)
    expect(store.poolAll()).toHaveLength(2)
  })

  it('persists accepted transactions and restores them without re-recovering', async () => {
    const path = join(dir, 'p.db')
    const store = storeWithGenesis(path)
    const mp = pool(store)
    const hashes = [await mp.add(await signTx(0, { nonce: 0 })), await mp.add(await signTx(0, { nonce: 1 }))]
    store.close()
    const { ChainStore } = await import('../../src/store.js')
    const reopened = new ChainStore({ path })
    const mp2 = pool(reopened)
    expect(await mp2.restore()).toEqual({ restored: 2, dropped: 0 })
    expect(hashes.every((h) => mp2.has(h))).toBe(true)
    expect(mp2.get(hashes[0]!)?.from).toBe(keys[0]!.address.toLowerCase())
    expect(mp2.select(gwei, 30_000_000n)).toHaveLength(2)
    reopened.close()
  })
})
