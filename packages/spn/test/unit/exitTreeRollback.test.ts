import { ChainStore, type StoreRowWrite } from '@rollup-mesh/chain'
import { describe, expect, it } from 'vitest'
import { SPNExitTree } from '../../src/settlement/exitTree.js'
import { exitTreeExtension } from '../../src/settlement/exitTreeTables.js'

/** What a full disk does to a block commit: the hook's rows were written, then the store transaction rolled back. */
class RolledBack extends Error {}

/** Writes a block's exit-tree rows as the block's commit does (its `rows`, in the caller's transaction). */
function writeRows(store: ChainStore, rows: readonly StoreRowWrite[]): void {
  const ext = store.registerExtension(exitTreeExtension)
  for (const r of rows) ext.prepare(r.sql).run(...r.params)
}

describe('SPN exit tree: a block commit that rolls back (a full disk)', () => {
  it('the next attempt at the same block succeeds: the tree reads its state back from the store', () => {
    const store = new ChainStore({ path: ':memory:' })
    const tree = new SPNExitTree(store, 1n)
    const first = tree.onBlock({ number: 1n, receipts: [] })
    expect(() =>
      store.transaction(() => {
        writeRows(store, first.rows)
        throw new RolledBack('SQLITE_FULL at COMMIT')
      }),
    ).toThrow(RolledBack)
    // the commit writer moves the tree to the block before it is durable: its failure leaves it ahead
    first.applied()
    // before the fix: "Parameter block.number is invalid. Expected 2, got 1" on every later block
    const again = tree.onBlock({ number: 1n, receipts: [] })
    expect(again.exitRoot).toBe(first.exitRoot)
    store.transaction(() => writeRows(store, again.rows))
    again.applied()
    expect(tree.status.processed).toBe(1n)
    const second = tree.onBlock({ number: 2n, receipts: [] })
    store.transaction(() => writeRows(store, second.rows))
    second.applied()
    expect(tree.status.processed).toBe(2n)
    // what the rows stored is what the tree holds: a tree opened on the store again is at block 2
    expect(new SPNExitTree(store, 1n).status.processed).toBe(2n)
    store.close()
  })
})
