import type { AccountState } from '@rollup-mesh/core'
import fc from 'fast-check'
import type { Address, Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { type ChangeSetEntries, ChangeSetReader, encodeChangeSet } from '../../src/changeSet.js'
import { ChainStoreError } from '../../src/errors.js'

const hexOf = (bytes: number) =>
  fc
    .uint8Array({ minLength: bytes, maxLength: bytes })
    .map((b) => `0x${Buffer.from(b).toString('hex')}` as Hex)
const account: fc.Arbitrary<AccountState | null> = fc.option(
  fc.record({
    nonce: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    balance: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
    codeHash: hexOf(32),
    vm: fc.constantFrom('evm' as const, 'wasm' as const),
  }),
)

describe('change sets', () => {
  it('every key encoded is found with its value; keys not in the set are not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(hexOf(20), account), { maxLength: 20 }),
        fc.array(fc.tuple(hexOf(20), hexOf(32), fc.option(hexOf(32))), { maxLength: 30 }),
        hexOf(20),
        (accs, slots, other) => {
          const entries: ChangeSetEntries = { accounts: new Map(accs), storage: new Map() }
          for (const [a, s, v] of slots) entries.storage.set(a + s.slice(2), v)
          const r = new ChangeSetReader(encodeChangeSet(entries))
          for (const [a, acc] of entries.accounts) expect(r.account(a as Address)).toEqual(acc)
          for (const [key, v] of entries.storage)
            expect(r.storage(key.slice(0, 42) as Address, `0x${key.slice(42)}`)).toBe(v)
          if (!entries.accounts.has(other)) expect(r.account(other)).toBeUndefined()
        },
      ),
      { numRuns: 200 },
    )
  })

  it('a key whose bytes appear inside another entry, not at a key boundary, is not found', () => {
    const a = `0x${'11'.repeat(20)}` as Address
    // the slot key a ‖ slot holds, from its 4th byte, the 20 bytes of `b`
    const b = `0x${'22'.repeat(20)}` as Address
    const slot = `0x${'00'.repeat(4)}${'22'.repeat(20)}${'00'.repeat(8)}` as Hex
    const r = new ChangeSetReader(
      encodeChangeSet({ accounts: new Map([[a, null]]), storage: new Map([[a + slot.slice(2), null]]) }),
    )
    expect(r.account(a)).toBeNull()
    expect(r.account(b)).toBeUndefined()
    expect(r.storage(a, slot)).toBeNull()
    expect(r.storage(b, slot)).toBeUndefined()
  })

  it('refuses a malformed entry and an unknown format, naming what was wrong', () => {
    const short = { accounts: new Map([['0x1234', null]]), storage: new Map() }
    expect(() => encodeChangeSet(short)).toThrow(ChainStoreError)
    expect(() => encodeChangeSet(short)).toThrow('expected 127')
    expect(() => new ChangeSetReader(Buffer.from([9, 0, 0, 0, 0, 0, 0, 0, 0]))).toThrow(
      'A state change set has an unknown format (9).',
    )
  })
})
