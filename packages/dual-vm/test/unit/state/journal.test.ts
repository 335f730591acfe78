import { EMPTY_CODE_HASH, ZERO_WORD } from '@rollup-mesh/core'
import { keccak256 } from 'viem'
import { describe, expect, it } from 'vitest'
import { createMemoryState, JournaledState, JournalMisuseError } from '../../../src/index.js'

const A = '0x00000000000000000000000000000000000000aa'
const B = '0x00000000000000000000000000000000000000bb'
const slot = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as const

describe('JournaledState', () => {
  it('reads through to the base and overlays writes', () => {
    const base = createMemoryState({ [A]: { balance: 5n, storage: { [slot(1)]: slot(7) } } })
    const j = new JournaledState(base)
    expect(j.getAccount(A)?.balance).toBe(5n)
    expect(j.getStorage(A, slot(1))).toBe(slot(7))
    j.putStorage(A, slot(1), slot(8))
    expect(j.getStorage(A, slot(1))).toBe(slot(8))
    expect(base.getStorage(A, slot(1))).toBe(slot(7))
  })

  it('reverts nested checkpoints to exactly the state at the checkpoint', () => {
    const j = new JournaledState(createMemoryState())
    j.putAccount(A, { nonce: 1n, balance: 1n, codeHash: EMPTY_CODE_HASH, vm: 'evm' })
    j.checkpoint()
    j.putStorage(A, slot(1), slot(1))
    j.checkpoint()
    j.putStorage(A, slot(1), slot(2))
    j.putAccount(B, { nonce: 0n, balance: 9n, codeHash: EMPTY_CODE_HASH, vm: 'evm' })
    j.revert()
    expect(j.getStorage(A, slot(1))).toBe(slot(1))
    expect(j.getAccount(B)).toBeUndefined()
    j.commit()
    expect(j.getStorage(A, slot(1))).toBe(slot(1))
    j.checkpoint()
    j.putAccount(A, null)
    expect(j.getAccount(A)).toBeUndefined()
    expect(j.getStorage(A, slot(1))).toBe(ZERO_WORD)
    j.revert()
    expect(j.getAccount(A)?.nonce).toBe(1n)
    expect(j.getStorage(A, slot(1))).toBe(slot(1))
  })

  it('keeps the transaction-start value of a slot for SSTORE gas', () => {
    const j = new JournaledState(createMemoryState({ [A]: { storage: { [slot(1)]: slot(3) } } }))
    j.beginTransaction()
    j.putStorage(A, slot(1), slot(4))
    j.putStorage(A, slot(1), slot(5))
    expect(j.getOriginalStorage(A, slot(1))).toBe(slot(3))
    j.beginTransaction()
    expect(j.getOriginalStorage(A, slot(1))).toBe(slot(5))
  })

  it('reports a minimal write set: no-op writes left out, code by hash, deletions as null', () => {
    const base = createMemoryState({
      [A]: { balance: 5n, storage: { [slot(1)]: slot(7) } },
      [B]: { balance: 1n },
    })
    const j = new JournaledState(base)
    j.putStorage(A, slot(1), slot(9))
    j.putStorage(A, slot(1), slot(7))
    j.putStorage(A, slot(2), slot(2))
    const code = new Uint8Array([0x60, 0x00])
    j.putCode(A, code, 'wasm')
    j.putAccount(B, null)
    const ws = j.writeSet()
    expect([...ws.storage.get(A)!.entries()]).toEqual([[slot(2), slot(2)]])
    expect(ws.accounts.get(A)).toMatchObject({ balance: 5n, vm: 'wasm', codeHash: keccak256(code) })
    expect(ws.code.get(keccak256(code))).toEqual(code)
    expect(ws.accounts.get(B)).toBeNull()
  })

  it('throws on commit/revert without a checkpoint', () => {
    const j = new JournaledState(createMemoryState())
    expect(() => j.commit()).toThrow(JournalMisuseError)
    expect(() => j.revert()).toThrow(JournalMisuseError)
    expect(() => j.commit()).toThrow(expect.objectContaining({ code: 'JOURNAL_MISUSE' }))
  })
})
