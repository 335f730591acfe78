import fc from 'fast-check'
import { type Address, bytesToHex, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { alice } from '../helpers.js'
import { DualEngineChain } from './differential/dualEngineChain.js'

// Differential fuzzing, quick version: random bytecode (biased toward valid pushes, jumps, memory,
// storage, calls, creates, logs, reverts and gas edges) runs on both EVM engines from the same state;
// receipts (status, gas, logs, revert data) and the complete write set must be identical.

const TARGET: Address = '0x00000000000000000000000000000000000c0de1'
const OTHER: Address = '0x00000000000000000000000000000000000c0de2'
/** OTHER: stores CALLVALUE+1 at slot 1, logs, returns 32 bytes of CALLDATA. */
const OTHER_CODE: Hex = '0x6001340160015560206000a060206000600037602060006000f3'

const push1 = fc.integer({ min: 0, max: 64 }).map((v) => [0x60, v])
const push32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => [0x7f, ...b])
const simple = fc
  .constantFrom(
    0x01,
    0x02,
    0x03,
    0x04,
    0x05,
    0x06,
    0x07,
    0x08,
    0x09,
    0x0a,
    0x0b,
    0x10,
    0x11,
    0x12,
    0x13,
    0x14,
    0x15,
    0x16,
    0x17,
    0x18,
    0x19,
    0x1a,
    0x1b,
    0x1c,
    0x1d,
    0x1e,
    0x20,
    0x30,
    0x31,
    0x32,
    0x33,
    0x34,
    0x35,
    0x36,
    0x38,
    0x3a,
    0x3b,
    0x3d,
    0x3f,
    0x40,
    0x41,
    0x42,
    0x43,
    0x44,
    0x45,
    0x46,
    0x47,
    0x48,
    0x49,
    0x4a,
    0x50,
    0x51,
    0x52,
    0x53,
    0x54,
    0x55,
    0x58,
    0x59,
    0x5a,
    0x5b,
    0x5c,
    0x5d,
    0x5f,
    0x80,
    0x81,
    0x82,
    0x90,
    0x91,
    0xa0,
    0xa1,
    0xa2,
  )
  .map((op) => [op])
/** A CALL-family call to OTHER, a precompile or an empty account, with small memory ranges. */
const call = fc
  .tuple(
    fc.constantFrom(0xf1, 0xf2, 0xf4, 0xfa),
    fc.constantFrom(0x02, 0x04, 0x0c, 0xc2, 0x99),
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom(0, 50, 5000, 100_000),
  )
  .map(([op, target, value, gas]) => {
    const args = [0x60, 32, 0x60, 0, 0x60, 32, 0x60, 0] // out size, out offset, in size, in offset (pushed in reverse)
    const withValue = op === 0xf1 || op === 0xf2 ? [0x60, value] : []
    const addr = target === 0xc2 ? [0x73, ...hexBytes(OTHER)] : [0x60, target]
    return [...args, ...withValue, ...addr, 0x62, (gas >> 16) & 0xff, (gas >> 8) & 0xff, gas & 0xff, op]
  })
/** CREATE/CREATE2 of init code stored in memory (from an earlier MSTORE or zeros). */
const create = fc
  .tuple(fc.constantFrom(0xf0, 0xf5), fc.integer({ min: 0, max: 40 }))
  .map(([op, size]) => [...(op === 0xf5 ? [0x60, 7] : []), 0x60, size, 0x60, 0, 0x60, 1, op])
const jump = fc
  .tuple(fc.constantFrom(0x56, 0x57), fc.integer({ min: 0, max: 80 }))
  .map(([op, dest]) => (op === 0x57 ? [0x60, 1, 0x60, dest, op] : [0x60, dest, op]))
const ending = fc.constantFrom(
  [0x00],
  [0x60, 32, 0x60, 0, 0xf3],
  [0x60, 32, 0x60, 0, 0xfd],
  [0xfe],
  [0x60, 1, 0xff],
  [],
)
const program = fc
  .tuple(
    fc.array(
      fc.oneof({ weight: 4, arbitrary: push1 }, push32, { weight: 4, arbitrary: simple }, call, create, jump),
      {
        maxLength: 40,
      },
    ),
    ending,
  )
  .map(([parts, end]) => bytesToHex(new Uint8Array([...parts.flat(), ...end])))

function hexBytes(hex: string): number[] {
  const out: number[] = []
  for (let i = 2; i < hex.length; i += 2) out.push(Number.parseInt(hex.slice(i, i + 2), 16))
  return out
}

const SLOT1: Hex = `0x${'00'.repeat(31)}01`
const ONE: Hex = `0x${'00'.repeat(31)}07`

describe('fast EVM vs ethereumjs: random bytecode (differential, quick)', () => {
  it('status, gas, refund, return data, logs and the write set are identical', async () => {
    let ranFast = 0
    await fc.assert(
      fc.asyncProperty(
        program,
        fc.constantFrom(21_500n, 30_000n, 60_000n, 300_000n),
        fc.constantFrom(0n, 5n),
        async (code, gas, value) => {
          // Both engines from the same state, compared by the contract fuzz's chain (`DualEngineChain.block`).
          const chain = new DualEngineChain(
            {
              [alice]: { balance: 10n ** 20n },
              [TARGET]: { code, balance: 1000n, storage: { [SLOT1]: ONE } },
              [OTHER]: { code: OTHER_CODE, nonce: 1n },
            },
            5n,
          )
          chain.errorText = false // status and gas say how it ended; see `DualEngineChain.errorText`
          await chain.block([{ from: alice, to: TARGET, gas, value, data: '0x1234' }])
          ranFast += chain.ranFast
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    )
    expect(ranFast).toBeGreaterThan(100)
  }, 300_000)
})
