import type { Abi, Hex } from 'viem'
import { encodeFunctionData } from 'viem'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { EvmMismatchError } from '../../../src/evm/fast/errors.js'
import { sampledForVerification, verifyEvmTestHooks } from '../../../src/executor/verifyEvm.js'
import { createSerialExecutor } from '../../../src/index.js'
import { alice, bob, carol, dave, makeHeader, makeTx, solidity, TestChain } from '../helpers.js'

// verifyEvm: transactions run on the fast engine are also run on ethereumjs over the same pre-state and
// compared; a difference throws EvmMismatchError naming the transaction and the first differing field.

let token: { abi: Abi; bytecode: Hex }
beforeAll(async () => {
  token = await solidity('Token.sol', 'Token')
}, 120_000)
afterEach(() => {
  verifyEvmTestHooks.perturb = undefined
})

/** A chain with the token deployed and a block of transfers (token and ether, a revert, a creation). */
async function setUp() {
  const chain = new TestChain()
  const { address } = await chain.deploy(alice, token.abi, token.bytecode, ['T', 'T', 10n ** 24n])
  const transfer = (to: Hex, amount: bigint) =>
    encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [to, amount] })
  const txs = [
    makeTx({ from: alice, nonce: 1n, to: address, data: transfer(bob, 10n) }),
    makeTx({ from: bob, nonce: 0n, to: address, data: transfer(carol, 1_000n) }), // reverts: bob has 0 + 10
    makeTx({ from: carol, nonce: 0n, to: dave, value: 5n, gas: 21_000n }),
    makeTx({ from: dave, nonce: 0n, data: '0x6001600c60003960016000f3fe' }), // deploys 0xfe
    makeTx({ from: alice, nonce: 2n, to: address, data: transfer(dave, 3n) }),
  ]
  return { chain, txs, header: makeHeader(chain.number) }
}

describe('verifyEvm', () => {
  it('checks every transaction (1) and changes nothing in the result', async () => {
    const { chain, txs, header } = await setUp()
    let checked = 0
    verifyEvmTestHooks.perturb = () => {
      checked++
    }
    const verified = createSerialExecutor({ evm: 'fast', verifyEvm: 1 })
    const result = await verified.executeBlock({ header, txs }, chain.state)
    const plain = await createSerialExecutor({ evm: 'ethereumjs' }).executeBlock({ header, txs }, chain.state)
    expect(checked).toBe(txs.length)
    expect(result.stateRoot).toBe(plain.stateRoot)
    expect(result.receipts).toEqual(plain.receipts)
    expect(result.receipts.map((r) => r.status)).toEqual([1, 0, 1, 1, 1])
    expect(verified.evmStats.fast).toBeGreaterThanOrEqual(txs.length)
  })

  it('bites: a perturbed gas value throws EvmMismatchError naming the transaction and the field', async () => {
    const { chain, txs, header } = await setUp()
    const victim = txs[2]?.hash
    verifyEvmTestHooks.perturb = (outcome) => {
      if (outcome.included && outcome.receipt.transactionHash === victim) outcome.receipt.gasUsed += 1n
    }
    const failure = await createSerialExecutor({ evm: 'fast', verifyEvm: 1 })
      .executeBlock({ header, txs }, chain.state)
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(failure).toBeInstanceOf(EvmMismatchError)
    const error = failure as EvmMismatchError
    expect(error.code).toBe('EVM_MISMATCH')
    expect(error.txHash).toBe(victim)
    expect(error.field).toBe('receipt.gasUsed')
    expect(error.message).toContain(`transaction ${victim}`)
    expect(error.message).toContain('receipt.gasUsed')
  })

  it('samples a fraction by transaction hash, the same transactions every time', async () => {
    const { chain, txs, header } = await setUp()
    const seen: string[] = []
    verifyEvmTestHooks.perturb = (outcome) => {
      if (outcome.included) seen.push(outcome.receipt.transactionHash)
    }
    await createSerialExecutor({ evm: 'fast', verifyEvm: 0.5 }).executeBlock({ header, txs }, chain.state)
    expect(seen).toEqual(txs.map((t) => t.hash).filter((h) => sampledForVerification(h, 0.5)))
    seen.length = 0
    await createSerialExecutor({ evm: 'fast', verifyEvm: 0 }).executeBlock({ header, txs }, chain.state)
    expect(seen).toEqual([])
    // A quarter of many hashes: about a quarter sampled.
    const hashes = Array.from({ length: 4_000 }, (_, i) => makeTx({ from: alice, nonce: BigInt(i) }).hash)
    const share = hashes.filter((h) => sampledForVerification(h, 0.25)).length / hashes.length
    expect(share).toBeGreaterThan(0.2)
    expect(share).toBeLessThan(0.3)
  })

  it('rejects a fraction outside 0..1, naming the option', () => {
    expect(() => createSerialExecutor({ evm: 'fast', verifyEvm: 2 })).toThrow(
      /Parameter "verifyEvm" is invalid/,
    )
    expect(() => createSerialExecutor({ evm: 'fast', verifyEvm: Number.NaN })).toThrow(/verifyEvm/)
  })
})
