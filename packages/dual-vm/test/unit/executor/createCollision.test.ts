import { EMPTY_CODE_HASH } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import { getContractAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import { createMemoryState, createSerialExecutor, type SerialExecutorOptions } from '../../../src/index.js'
import { alice, makeHeader, makeTx } from '../helpers.js'

// EIP-7610: CREATE/CREATE2 onto an address that has non-empty storage (but no code and nonce 0) is a
// collision, exactly like one onto an address with code or a nonce.
const ENGINES: NonNullable<SerialExecutorOptions['evm']>[] = ['ethereumjs', 'fast']
const SLOT0: Hex = `0x${'00'.repeat(32)}`
const ONE: Hex = `0x${'00'.repeat(31)}01`
/** Init code that deploys the one-byte runtime 0x00. */
const INIT: Hex = '0x60016000f3'
/** Runtime: CREATE(0, 0, 0) and store the created address (0 on failure) in slot 0. */
const FACTORY: Address = '0x00000000000000000000000000000000000fac70'
const FACTORY_CODE: Hex = '0x600060006000f060005500'

async function run(
  evm: NonNullable<SerialExecutorOptions['evm']>,
  alloc: Parameters<typeof createMemoryState>[0],
  tx: Parameters<typeof makeTx>[0],
) {
  const state = createMemoryState(alloc)
  const result = await createSerialExecutor({ evm, yieldEveryMs: 0 }).executeBlock(
    { header: makeHeader(1n), txs: [makeTx(tx)] },
    state,
  )
  state.apply(result.writeSet)
  return { state, receipt: result.receipts[0]! }
}

describe.each(ENGINES)('EIP-7610 create collision (%s engine)', (evm) => {
  const target = getContractAddress({ from: alice, nonce: 0n }).toLowerCase() as Address

  it('a creation transaction onto an address with storage fails and uses all its gas', async () => {
    const alloc = { [alice]: { balance: 10n ** 18n }, [target]: { storage: { [SLOT0]: ONE } } }
    const { state, receipt } = await run(evm, alloc, { from: alice, data: INIT, gas: 100_000n })
    expect(receipt.status).toBe(0)
    expect(receipt.gasUsed).toBe(100_000n)
    expect(state.getAccount(target)?.codeHash).toBe(EMPTY_CODE_HASH) // no code was deployed
    expect(state.getAccount(target)?.nonce).toBe(0n)
    expect(state.getAccount(alice)?.nonce).toBe(1n)
  })

  it('the same creation onto an address without storage succeeds (the check is on storage)', async () => {
    const alloc = { [alice]: { balance: 10n ** 18n }, [target]: { balance: 5n } }
    const { state, receipt } = await run(evm, alloc, { from: alice, data: INIT, gas: 100_000n })
    expect(receipt.status).toBe(1)
    expect(state.getAccount(target)?.nonce).toBe(1n)
  })

  it('CREATE from a contract onto an address with storage pushes 0', async () => {
    const created = getContractAddress({ from: FACTORY, nonce: 1n }).toLowerCase() as Address
    const base = { [alice]: { balance: 10n ** 18n }, [FACTORY]: { code: FACTORY_CODE, nonce: 1n } }
    const clash = await run(
      evm,
      { ...base, [created]: { storage: { [SLOT0]: ONE } } },
      { from: alice, to: FACTORY, gas: 1_000_000n },
    )
    expect(clash.receipt.status).toBe(1)
    expect(clash.state.getStorage(FACTORY, SLOT0)).toBe(SLOT0)
    expect(clash.state.getAccount(FACTORY)?.nonce).toBe(2n) // the creator's nonce is still bumped
    const clear = await run(evm, base, { from: alice, to: FACTORY, gas: 1_000_000n })
    expect(BigInt(clear.state.getStorage(FACTORY, SLOT0))).toBe(BigInt(created))
  })
})
