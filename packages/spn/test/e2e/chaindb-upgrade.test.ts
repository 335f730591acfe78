import '@rollup-mesh/core/polyfill'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { ChainStore } from '@rollup-mesh/chain'
import { devAccounts, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { encodeFunctionData, type Hex, numberToHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, describe, expect, it } from 'vitest'
import { createDeliveryService } from '../../src/delivery/service.js'
import { spnMailboxAbi } from '../../src/index.js'
import { createSettlementService } from '../../src/settlement/service.js'
import { createManualSPNNode } from './helpers.js'

/** What `test/fixtures/chaindb-cda7ced/README.md`'s script printed when it wrote the fixture. */
const WRITTEN = {
  head: 3n,
  headHash: '0x38e890265fa57d724c682bf5575fbebdf1e249ea3444d106ec27f8177bb1fa8b',
  exitRoot: '0x1765084faae73edb33a69b91807c59c33aa64935a893bf7d9f4d860a94be566f',
  exitTree: { openBatch: 1, openCount: 1, processed: 3n, size: 17 },
}
const EXTENSIONS = ['spn_exit_tree', 'spn_inbox', 'spn_settlements']
const CHAIN_ID = 4105
const [user, recipient] = devAccounts(2) as [
  ReturnType<typeof devAccounts>[number],
  ReturnType<typeof devAccounts>[number],
]

describe('a data dir written by the release before store extensions (cda7ced)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spn-chaindb-upgrade-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const fixture = new URL('../fixtures/chaindb-cda7ced/chain.db.gz', import.meta.url)
  writeFileSync(join(dir, 'chain.db'), gunzipSync(readFileSync(fixture)))

  it('opens with the new code: extensions are adopted at version 1, every row survives, and blocks commit after', async () => {
    const before = new ChainStore({ path: join(dir, 'chain.db') })
    expect(EXTENSIONS.map((e) => before.extensionVersion(e))).toEqual([0, 0, 0])
    before.close()

    const node = createManualSPNNode({
      spnId: 'spn5',
      chainId: CHAIN_ID,
      dataDir: dir,
      devAccounts: 2,
    })
    await node.start()
    try {
      const chain = node.chain
      const tree = node.exitTree
      if (!tree) throw new Error('spn5 has an exit tree')
      // The services register their tables when they are built (not started: no main net here).
      const delivery = createDeliveryService({
        chain,
        spnId: 5n,
        mainnetRpcUrl: 'http://127.0.0.1:1',
        p2p: () => undefined,
      })
      const settlement = createSettlementService({
        chain,
        exitTree: tree,
        dataDir: dir,
        spnId: 5n,
        mainnetRpcUrl: 'http://127.0.0.1:1',
        mainnetChainId: 900,
        operatorKey: user.privateKey,
      })
      expect(EXTENSIONS.map((e) => chain.store.extensionVersion(e))).toEqual([1, 1, 1])

      expect(chain.head()).toMatchObject({ number: WRITTEN.head, hash: WRITTEN.headHash })
      expect(tree.root).toBe(WRITTEN.exitRoot)
      expect(tree.status).toEqual(WRITTEN.exitTree)
      expect(tree.messages().map((m) => m.position)).toEqual([0, 1, 2, 3, 4, 16])
      expect(tree.batch(0)).toMatchObject({ index: 0, fromBlock: 1n, toBlock: 2n })
      expect(tree.batch(1)).toMatchObject({ index: 1, fromBlock: 3n, toBlock: undefined })
      expect(delivery.status()).toEqual({ queued: 1, delivered: 1, failed: 0, error: 0, mainnetBlock: 41n })
      expect(delivery.messages({ status: 'delivered' })).toMatchObject([
        { srcSpn: 7n, position: 1n, value: 11n, data: '0x0102', block: 2n, txHash: `0x${'66'.repeat(32)}` },
      ])
      expect(settlement.settlements()).toMatchObject([
        { batch: 0, status: 'accepted', header: { spnId: 5n, fromBlock: 1n, toBlock: 2n, leafCount: 5n } },
      ])

      // Another block, with a message: it lands after the fixture's leaves and the header carries the root.
      const raw = await privateKeyToAccount(user.privateKey).signTransaction({
        chainId: CHAIN_ID,
        type: 'eip1559',
        nonce: 6,
        to: SYSTEM_ADDRESSES.spn.mailbox,
        gas: 200_000n,
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 1n,
        data: encodeFunctionData({
          abi: spnMailboxAbi,
          functionName: 'sendMessage',
          args: [2n, recipient.address, numberToHex(9, { size: 2 })],
        }),
      })
      await chain.mempool.add(raw as Hex)
      const block = await chain.produceBlock()
      expect(block.header.number).toBe(4n)
      expect(block.receipts.map((r) => r.status)).toEqual([1])
      expect(block.header.exitRoot).toBe(tree.root)
      expect(tree.messages().at(-1)).toMatchObject({ position: 17, batch: 1, block: 4n })
      // State history starts at the upgrade: block 3 (the head it found) is readable, older ones are not.
      expect(chain.store.oldestStateBlock()).toBe(3n)
      expect(chain.store.accountAt(user.address, 3n)?.nonce).toBe(6n)
      expect(chain.store.accountAt(user.address, 4n)?.nonce).toBe(7n)
      expect(() => chain.store.checkStateAvailable(2n)).toThrow(
        'historical state not available for block 2: the oldest block whose state this node keeps is 3',
      )
    } finally {
      await node.stop()
    }
    // Reopened, the versions stay and nothing migrates again.
    const after = new ChainStore({ path: join(dir, 'chain.db') })
    expect(EXTENSIONS.map((e) => after.extensionVersion(e))).toEqual([1, 1, 1])
    expect(after.head()?.number).toBe(4n)
    after.close()
  })
})
