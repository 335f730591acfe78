import { ChainStore } from '@rollup-mesh/chain'
import { describe, expect, it } from 'vitest'
import { SPNExitTree } from '../../src/settlement/exitTree.js'

/** What a full disk does to a block commit: the hook's `commit` ran, then the store transaction rolled back. */
class RolledBack extends Error {}

describe('SPN exit tree: a block commit that rolls back (a full disk)', () => {
  it('the next attempt at the same block succeeds: the tree reads its state back from the store', () => {
    const store = new ChainStore({ path: ':memory:' })
    const tree = new SPNExitTree(store, 1n)
    const first = tree.onBlock({ number: 1n, receipts: [] })
    expect(() =>
      store.transaction(() => {
        first.commit()
        throw new RolledBack('SQLITE_FULL at COMMIT')
      }),
    ).toThrow(RolledBack)
    // before the fix: "Parameter block.number is invalid. Expected 2, got 1" on every later block
    const again = tree.onBlock({ number: 1n, receipts: [] })
    expect(again.exitRoot).toBe(first.exitRoot)
    store.transaction(() => again.commit())
    expect(tree.status.processed).toBe(1n)
    store.transaction(() => tree.onBlock({ number: 2n, receipts: [] }).commit())
    expect(tree.status.processed).toBe(2n)
    store.close()
  })
})
