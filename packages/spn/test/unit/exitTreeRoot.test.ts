import { ChainStore, type StoreRowWrite } from '@rollup-mesh/chain'
import { type Receipt, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { ExitTree } from '@rollup-mesh/zk-bridge'
import { encodeAbiParameters, encodeEventTopics, type Hex } from 'viem'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SPNExitTree } from '../../src/settlement/exitTree.js'
import { exitTreeExtension } from '../../src/settlement/exitTreeTables.js'
import { spnMailboxAbi } from '../../src/settlement/mailbox.generated.js'

/** A receipt whose one log is the Mailbox's `MessageSent` number `index` (spn 1 → spn 2). */
function messageReceipt(index: bigint): Receipt {
  const topics = encodeEventTopics({
    abi: spnMailboxAbi,
    eventName: 'MessageSent',
    args: { index, dstSpn: 2n, sender: '0x00000000000000000000000000000000000000aa' },
  })
  const data = encodeAbiParameters(
    [{ type: 'uint64' }, { type: 'address' }, { type: 'uint256' }, { type: 'bytes' }],
    [1n, '0x00000000000000000000000000000000000000bb', 7n, '0x1234'],
  )
  return {
    transactionHash: `0x${index.toString(16).padStart(64, '0')}` as Hex,
    logs: [{ address: SYSTEM_ADDRESSES.spn.mailbox, topics, data }],
  } as unknown as Receipt
}

/** Seals block `number` into the tree as a block commit does: its rows in one transaction, then `applied`. */
function seal(store: ChainStore, tree: SPNExitTree, number: bigint, receipts: Receipt[]): Hex {
  const out = tree.onBlock({ number, receipts })
  const ext = store.registerExtension(exitTreeExtension)
  store.transaction(() => {
    for (const r of out.rows as StoreRowWrite[]) ext.prepare(r.sql).run(...r.params)
  })
  out.applied()
  return out.exitRoot
}

afterEach(() => vi.restoreAllMocks())

describe('SPN exit tree: the root is computed once per tree state (mesh_nodeInfo reads it on every call)', () => {
  it('repeated reads cost no hashing; a new block, a batch cut and a reopen each give the right root', () => {
    const store = new ChainStore({ path: ':memory:' })
    const tree = new SPNExitTree(store, 1n)
    const first = seal(store, tree, 1n, [messageReceipt(0n)])
    const rebuilt = vi.spyOn(ExitTree, 'fromFrontier')
    for (let i = 0; i < 50; i++) expect(tree.root).toBe(first)
    expect(rebuilt).not.toHaveBeenCalled()

    // a batch cut changes the state: the root is computed again, once, and is the stored state's root
    expect(tree.closeBatch()?.index).toBe(0)
    rebuilt.mockClear()
    for (let i = 0; i < 50; i++) tree.root
    expect(rebuilt).toHaveBeenCalledTimes(1)
    expect(tree.root).toBe(new SPNExitTree(store, 1n).root)

    // a block with a message moves it; an empty block keeps it, without hashing
    const second = seal(store, tree, 2n, [messageReceipt(1n)])
    expect(second).not.toBe(first)
    expect(tree.root).toBe(second)
    rebuilt.mockClear()
    expect(seal(store, tree, 3n, [])).toBe(second)
    expect(tree.root).toBe(second)
    expect(rebuilt).not.toHaveBeenCalled()
    store.close()
  })
})
