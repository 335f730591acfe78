import type { BlockExecutionResult } from '@rollup-mesh/core'
import { type Address, type Hex, keccak256, numberToHex } from 'viem'
import { describe, expect, it } from 'vitest'
import { createMemoryState, createSerialExecutor, type EvmEngine } from '../../../src/index.js'
import { alice, bob, makeHeader, makeTx } from '../helpers.js'

// The serial executor keeps one EVM across blocks (its journal rebased onto each block's state): a
// block must see its own state and its own recent block hashes, and two blocks running at once on one
// executor must not share it.

const PROBE: Address = '0x00000000000000000000000000000000000b10c4'
/** Stores BLOCKHASH(NUMBER - 1) at slot 0 and TLOAD(0) at slot 1, then TSTOREs 7 at 0 (transient: gone next tx). */
const PROBE_CODE: Hex = '0x43600190034060005560005c600155600760005d00'
const SLOT0: Hex = `0x${'00'.repeat(32)}`
const SLOT1: Hex = `0x${'00'.repeat(31)}01`

const hashes = (n: number) => Array.from({ length: n }, (_, i) => keccak256(numberToHex(1000 + i)))
const alloc = {
  [alice]: { balance: 10n ** 20n },
  [bob]: { balance: 10n ** 20n },
  [PROBE]: { code: PROBE_CODE },
}
const probe = (from: Address, nonce: bigint) => makeTx({ from, to: PROBE, nonce, gas: 100_000n })

const slots = (r: BlockExecutionResult) => r.writeSet.storage.get(PROBE)

describe.each(['fast', 'ethereumjs'] as EvmEngine[])('serial executor, one EVM across blocks (%s)', (evm) => {
  it('each block reads its own block hashes and state; transient storage does not carry over', async () => {
    const executor = createSerialExecutor({ evm, yieldEveryMs: 0 })
    const state = createMemoryState(alloc)
    const recent = hashes(8)
    const first = await executor.executeBlock(
      { header: makeHeader(5n, { recentHashes: recent.slice(0, 4) }), txs: [probe(alice, 0n)] },
      state,
    )
    expect(slots(first)?.get(SLOT0)).toBe(recent[3])
    expect(slots(first)?.get(SLOT1)).toBeUndefined() // TLOAD read 0 (zero written over zero: no write)
    state.apply(first.writeSet)
    const second = await executor.executeBlock(
      { header: makeHeader(9n, { recentHashes: recent }), txs: [probe(alice, 1n), probe(bob, 0n)] },
      state,
    )
    expect(slots(second)?.get(SLOT0)).toBe(recent[7])
    expect(slots(second)?.get(SLOT1)).toBeUndefined() // the first transaction's TSTORE is gone for the second
    expect(second.receipts.map((r) => r.status)).toEqual([1, 1])
    // The same blocks on fresh executors give the same results.
    const again = createMemoryState(alloc)
    const fresh = await createSerialExecutor({ evm }).executeBlock(
      { header: makeHeader(5n, { recentHashes: recent.slice(0, 4) }), txs: [probe(alice, 0n)] },
      again,
    )
    expect(fresh.stateRoot).toBe(first.stateRoot)
    again.apply(fresh.writeSet)
    const freshSecond = await createSerialExecutor({ evm }).executeBlock(
      { header: makeHeader(9n, { recentHashes: recent }), txs: [probe(alice, 1n), probe(bob, 0n)] },
      again,
    )
    expect(freshSecond.stateRoot).toBe(second.stateRoot)
  })

  it('two blocks at once on one executor over different states give what each gives alone', async () => {
    const executor = createSerialExecutor({ evm, yieldEveryMs: 0 })
    const block = (n: bigint, from: Address) => ({
      header: makeHeader(n, { recentHashes: hashes(Number(n)) }),
      txs: [probe(from, 0n), makeTx({ from, to: bob, nonce: 1n, value: n, gas: 21_000n })],
    })
    const [a, b] = await Promise.all([
      executor.executeBlock(block(3n, alice), createMemoryState(alloc)),
      executor.executeBlock(block(6n, bob), createMemoryState(alloc)),
    ])
    const aloneA = await createSerialExecutor({ evm }).executeBlock(
      block(3n, alice),
      createMemoryState(alloc),
    )
    const aloneB = await createSerialExecutor({ evm }).executeBlock(block(6n, bob), createMemoryState(alloc))
    expect(a?.stateRoot).toBe(aloneA.stateRoot)
    expect(b?.stateRoot).toBe(aloneB.stateRoot)
    expect(a?.stateRoot).not.toBe(b?.stateRoot)
  })
})
