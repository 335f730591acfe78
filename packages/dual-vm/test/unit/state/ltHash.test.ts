import { EMPTY_CODE_HASH } from '@rollup-mesh/core'
import fc from 'fast-check'
import { createBLAKE3 } from 'hash-wasm'
import { type Address, concatHex, type Hex, hexToBytes, numberToHex } from 'viem'
import { describe, expect, it } from 'vitest'
import {
  commitWriteSet,
  createMemoryState,
  type GenesisAlloc,
  genesisWriteSet,
  JournaledState,
} from '../../../src/index.js'
import { accountEntry, LT_HASH_LANES, mixEntry, storageEntry } from '../../../src/state/ltHash.js'

const addr = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address
const word = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex

/** The state as a genesis allocation, to recompute its root from scratch. */
function snapshot(ops: { a: number; s: number; v: number; bal: number }[]): GenesisAlloc {
  const alloc: Record<Address, { balance: bigint; storage: Record<Hex, Hex> }> = {}
  for (const op of ops) {
    alloc[addr(op.a)] ??= { balance: 0n, storage: {} }
    const entry = alloc[addr(op.a)]!
    entry.balance = BigInt(op.bal)
    entry.storage[word(op.s)] = word(op.v)
  }
  return alloc
}

describe('LtHash state root', () => {
  it('is the same whether updated block by block or computed from scratch', () => {
    const op = fc.record({
      a: fc.integer({ min: 1, max: 6 }),
      s: fc.integer({ min: 0, max: 4 }),
      v: fc.integer({ min: 0, max: 3 }),
      bal: fc.integer({ min: 1, max: 3 }),
    })
    fc.assert(
      fc.property(fc.array(fc.array(op, { maxLength: 8 }), { maxLength: 4 }), (blocks) => {
        const state = createMemoryState()
        const all: (typeof blocks)[number] = []
        for (const block of blocks) {
          const j = new JournaledState(state)
          for (const o of block) {
            j.putAccount(addr(o.a), {
              nonce: 0n,
              balance: BigInt(o.bal),
              codeHash: EMPTY_CODE_HASH,
              vm: 'evm',
            })
            j.putStorage(addr(o.a), word(o.s), word(o.v))
            all.push(o)
          }
          const ws = j.writeSet()
          const root = commitWriteSet(state, ws)
          state.apply(ws)
          expect(state.stateRoot()).toBe(root)
        }
        expect(state.stateRoot()).toBe(genesisWriteSet(snapshot(all)).stateRoot)
      }),
      { numRuns: 40 },
    )
  })

  it('commits to balances, nonces, VM tags and storage', () => {
    const base = { [addr(1)]: { balance: 1n, storage: { [word(1)]: word(1) } } }
    const root = genesisWriteSet(base).stateRoot
    expect(
      genesisWriteSet({ [addr(1)]: { balance: 2n, storage: { [word(1)]: word(1) } } }).stateRoot,
    ).not.toBe(root)
    expect(genesisWriteSet({ [addr(1)]: { ...base[addr(1)], nonce: 1n } }).stateRoot).not.toBe(root)
    expect(genesisWriteSet({ [addr(1)]: { ...base[addr(1)], vm: 'wasm' } }).stateRoot).not.toBe(root)
    expect(
      genesisWriteSet({ [addr(1)]: { balance: 1n, storage: { [word(1)]: word(2) } } }).stateRoot,
    ).not.toBe(root)
    expect(genesisWriteSet({ [addr(1)]: { balance: 1n } }).stateRoot).not.toBe(root)
    expect(genesisWriteSet(base).stateRoot).toBe(root)
  })

  it('adds and removes an entry lane by lane mod 2^16, as the plain definition does', async () => {
    const xof = await createBLAKE3(LT_HASH_LANES * 16)
    const lanesOf = (entry: Uint8Array) => {
      xof.init()
      xof.update(entry)
      const d = xof.digest('binary')
      return Array.from({ length: LT_HASH_LANES }, (_, i) => d[2 * i]! | (d[2 * i + 1]! << 8))
    }
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 120 }),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: LT_HASH_LANES, maxLength: LT_HASH_LANES }),
        fc.constantFrom(1 as const, -1 as const),
        (entry, start, sign) => {
          const acc = Uint16Array.from(start)
          mixEntry(acc, entry, sign)
          const lanes = lanesOf(entry)
          expect(Array.from(acc)).toEqual(start.map((x, i) => (x + sign * lanes[i]! + 0x10000) & 0xffff))
          mixEntry(acc, entry, sign === 1 ? -1 : 1)
          expect(Array.from(acc)).toEqual(start)
        },
      ),
      { numRuns: 60 },
    )
  })

  it('lays entries out byte for byte as documented (0x01 account, 0x02 storage)', () => {
    const hex32 = fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .map((b) => `0x${Buffer.from(b).toString('hex')}` as Hex)
    const address = fc
      .uint8Array({ minLength: 20, maxLength: 20 })
      .map((b) => `0x${Buffer.from(b).toString('hex')}` as Address)
    const word = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n })
    fc.assert(
      fc.property(
        address,
        word,
        word,
        hex32,
        fc.constantFrom('evm' as const, 'wasm' as const),
        hex32,
        hex32,
        (a, nonce, balance, codeHash, vm, slot, value) => {
          const account = concatHex([
            '0x01',
            a,
            numberToHex(nonce, { size: 32 }),
            numberToHex(balance, { size: 32 }),
            codeHash,
            vm === 'wasm' ? '0x01' : '0x00',
          ])
          expect(new Uint8Array(accountEntry(a, { nonce, balance, codeHash, vm }))).toEqual(
            hexToBytes(account),
          )
          expect(new Uint8Array(storageEntry(a, slot, value))).toEqual(
            hexToBytes(concatHex(['0x02', a, slot, value])),
          )
        },
      ),
      { numRuns: 100 },
    )
    // Short hex (not normalised to 32 bytes) lands where it always has: left-aligned, as viem's hexToBytes.
    expect(new Uint8Array(storageEntry(addr(1), '0x1', '0x2')).subarray(21, 23)).toEqual(
      new Uint8Array([1, 0]),
    )
  })

  it('mixes into an accumulator that is not 4-byte aligned exactly as into an aligned one', () => {
    const entry = new Uint8Array([2, 1, 2, 3])
    const aligned = new Uint16Array(LT_HASH_LANES).fill(0xfffe)
    const unaligned = new Uint16Array(new ArrayBuffer(2 + 2 * LT_HASH_LANES), 2, LT_HASH_LANES).fill(0xfffe)
    mixEntry(aligned, entry, 1)
    mixEntry(unaligned, entry, 1)
    expect(Array.from(unaligned)).toEqual(Array.from(aligned))
    expect(Array.from(aligned)).not.toEqual(Array.from(new Uint16Array(LT_HASH_LANES).fill(0xfffe)))
  })
})
