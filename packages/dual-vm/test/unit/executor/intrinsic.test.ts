import fc from 'fast-check'
import { bytesToHex } from 'viem'
import { describe, expect, it } from 'vitest'
import { intrinsicGas } from '../../../src/index.js'

describe('intrinsicGas', () => {
  it('charges 4 per zero and 16 per non-zero calldata byte, with the EIP-7623 floor and creation costs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, create) => {
        const zeros = BigInt(bytes.filter((b) => b === 0).length)
        const nonZeros = BigInt(bytes.length) - zeros
        let intrinsic = 21_000n + zeros * 4n + nonZeros * 16n
        if (create) intrinsic += 32_000n + 2n * ((BigInt(bytes.length) + 31n) / 32n)
        const floor = 21_000n + (zeros + nonZeros * 4n) * 10n
        const to = create ? null : ('0x00000000000000000000000000000000000000aa' as const)
        expect(intrinsicGas({ to, data: bytesToHex(bytes) })).toEqual({ intrinsic, floor })
      }),
    )
  })

  it('counts access list entries', () => {
    const accessList = [
      {
        address: '0x00000000000000000000000000000000000000aa' as const,
        storageKeys: [`0x${'00'.repeat(32)}` as const],
      },
    ]
    expect(intrinsicGas({ to: null, data: '0x', accessList }).intrinsic).toBe(
      21_000n + 32_000n + 2_400n + 1_900n,
    )
  })
})
