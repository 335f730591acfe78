import type { BlockExecutionResult } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { createMemoryState, createSerialExecutor, type GenesisAlloc } from '../../../src/index.js'
import { alice, makeHeader, makeTx } from '../helpers.js'

// What the fast engine does not run goes to ethereumjs whole: the result is identical to an
// ethereumjs-only run (receipt and write set), and the executor's stats count it with its reason.

const A: Address = '0x00000000000000000000000000000000000000aa'
const B: Address = '0x00000000000000000000000000000000000000bb'
/** slot0 += 1, then CALL itself with all gas: recursion to the depth limit. */
const RECURSE: Hex = '0x60016000540160005560006000600060006000305af100'
/** CALL B (an EIP-7702 delegated EOA) and store the success flag in slot 1. */
const CALL_B: Hex = `0x60006000600060006000${'73'}${B.slice(2)}5af160015500`
/** STATICCALL the BLS12-381 G1ADD precompile (0x0b, asynchronous in ethereumjs) with empty input. */
const CALL_BLS: Hex = '0x6000600060006000600b5afa60015500'

async function both(alloc: GenesisAlloc, gas = 16_000_000n) {
  const tx = makeTx({ from: alice, to: A, gas })
  const run = async (evm: 'fast' | 'ethereumjs') => {
    const executor = createSerialExecutor({ evm, yieldEveryMs: 0 })
    const result = await executor.executeBlock(
      { header: makeHeader(1n), txs: [tx] },
      createMemoryState(alloc),
    )
    return { result, stats: executor.evmStats }
  }
  return { reference: await run('ethereumjs'), fast: await run('fast') }
}

const comparable = (r: BlockExecutionResult) => ({
  receipts: r.receipts,
  stateRoot: r.stateRoot,
  accounts: [...r.writeSet.accounts].sort(),
  storage: [...r.writeSet.storage].map(([a, s]) => [a, [...s].sort()]).sort(),
})

describe('fast engine fallback to ethereumjs', () => {
  it.each([
    ['call depth over 400', { [A]: { code: RECURSE } }],
    [
      'the EIP-7702 delegation at 0x00000000000000000000000000000000000000bb',
      { [A]: { code: CALL_B }, [B]: { code: `0xef0100${A.slice(2)}` as Hex } },
    ],
    ['the asynchronous precompile 0x000000000000000000000000000000000000000b', { [A]: { code: CALL_BLS } }],
  ] as const)(
    '%s: identical result, counted as a fallback',
    async (reason, contracts) => {
      const { reference, fast } = await both({
        [alice]: { balance: 10n ** 20n },
        ...contracts,
      } as GenesisAlloc)
      expect(comparable(fast.result)).toEqual(comparable(reference.result))
      expect(fast.stats.fallback).toBe(1)
      expect(fast.stats.fast).toBe(0)
      expect([...fast.stats.fallbackReasons.keys()]).toEqual([reason])
      expect(reference.stats.fast + reference.stats.fallback).toBe(0)
    },
    120_000,
  )

  it('a plain transaction runs on the fast engine, not ethereumjs', async () => {
    const { reference, fast } = await both({
      [alice]: { balance: 10n ** 20n },
      [A]: { code: '0x600160015500' },
    })
    expect(comparable(fast.result)).toEqual(comparable(reference.result))
    expect(fast.stats).toMatchObject({ fast: 1, fallback: 0 })
  })

  it('rejects an unknown engine name before running anything', () => {
    expect(() => createSerialExecutor({ evm: 'revm' as never })).toThrow(/Parameter "evm" is invalid/)
  })
})
