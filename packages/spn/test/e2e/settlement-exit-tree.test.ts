import '@rollup-mesh/core/polyfill'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { devAccounts, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { exitLeafHash, verifyExitProof } from '@rollup-mesh/zk-bridge'
import { encodeFunctionData, type Hex, numberToHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SPNNode, spnMailboxAbi } from '../../src/index.js'
import { createManualSPNNode } from './helpers.js'

const [user, recipient] = devAccounts(2) as [
  ReturnType<typeof devAccounts>[number],
  ReturnType<typeof devAccounts>[number],
]
const CHAIN_ID = 4102
const account = privateKeyToAccount(user.privateKey)

describe('SPN exit tree (in-process node, blocks sealed by hand)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spn-exit-tree-'))
  let node: SPNNode
  let nonce = 0

  const open = (): SPNNode =>
    createManualSPNNode({
      spnId: 'spn5',
      chainId: CHAIN_ID,
      dataDir: dir,
      devAccounts: 2,
    })

  /** Puts `n` signed sendMessage transactions into the mempool, then seals one block. */
  const sealWithMessages = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const raw = await account.signTransaction({
        chainId: CHAIN_ID,
        type: 'eip1559',
        nonce: nonce++,
        to: SYSTEM_ADDRESSES.spn.mailbox,
        gas: 200_000n,
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 1n,
        data: encodeFunctionData({
          abi: spnMailboxAbi,
          functionName: 'sendMessage',
          args: [2n, recipient.address, numberToHex(i, { size: 2 })],
        }),
      })
      await node.chain.mempool.add(raw as Hex)
    }
    return node.chain.produceBlock()
  }

  beforeAll(async () => {
    node = open()
    await node.start()
  })

  afterAll(async () => {
    await node.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('puts each block’s messages into the tree, the header carries the root, batches stay aligned', async () => {
    const tree = node.exitTree
    if (!tree) throw new Error('no exit tree')
    const b1 = await sealWithMessages(10)
    expect(b1.receipts.every((r) => r.status === 1)).toBe(true)
    expect(tree.status).toMatchObject({ openBatch: 0, openCount: 10, size: 10 })
    expect(b1.header.exitRoot).toBe(tree.root)
    // 10 more do not fit the open batch: it is closed before the block, the leaves start at 16
    const b2 = await sealWithMessages(10)
    expect(tree.status).toMatchObject({ openBatch: 1, openCount: 10, size: 26 })
    expect(tree.batch(0)).toMatchObject({ fromBlock: 1n, toBlock: b1.header.number })
    expect(tree.messagesOf(1).map((m) => m.position)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25])
    expect(tree.messagesOf(1).map((m) => m.messageIndex)).toEqual([
      10n,
      11n,
      12n,
      13n,
      14n,
      15n,
      16n,
      17n,
      18n,
      19n,
    ])
    expect(b2.header.exitRoot).toBe(tree.root)
    // each persisted leaf is exitLeafHash of the message at its position
    for (const m of tree.messages())
      expect(m.leaf).toBe(
        exitLeafHash({
          srcSpn: 5n,
          position: BigInt(m.position),
          dstSpn: m.dstSpn,
          to: m.to,
          sender: m.sender,
          value: m.value,
          data: m.data,
        }),
      )
    // inclusion proofs against the root each batch ends with (what its settlement finalizes)
    const p3 = tree.proof(3)
    expect(p3.batch).toBe(0)
    expect(numberToHex(p3.root, { size: 32 })).toBe(b1.header.exitRoot)
    expect(verifyExitProof(p3, p3.root)).toBe(true)
    const p20 = tree.proof(20)
    expect(numberToHex(p20.root, { size: 32 })).toBe(b2.header.exitRoot)
    expect(verifyExitProof(p20, BigInt(b2.header.exitRoot))).toBe(true)
    expect(verifyExitProof({ ...p20, leaf: p20.leaf + 1n }, BigInt(b2.header.exitRoot))).toBe(false)
    expect(verifyExitProof(tree.proof(3, 1), BigInt(b2.header.exitRoot))).toBe(true)
    expect(() => tree.proof(12)).toThrow(
      expect.objectContaining({
        code: 'PARAMETER_INVALID',
        shortMessage: 'Parameter "position" is invalid.',
      }),
    )
    // the settlement service closes the batch; an empty batch still takes 16 positions
    expect(tree.closeBatch()).toMatchObject({ index: 1, toBlock: b2.header.number })
    expect(tree.closeBatch()).toBeUndefined() // no block since
    const b3 = await node.chain.produceBlock()
    // blocks without messages after a close (the tree padded with empty leaves) carry the tree's root
    expect(b3.header.exitRoot).toBe(tree.root)
    const b3e = await node.chain.produceBlock()
    expect(b3e.header.exitRoot).toBe(b3.header.exitRoot)
    expect(tree.closeBatch()).toMatchObject({
      index: 2,
      fromBlock: b3.header.number,
      toBlock: b3e.header.number,
    })
    const b4 = await sealWithMessages(1)
    const [last] = tree.messagesOf(3)
    expect(last?.position).toBe(48)
    expect(b4.header.exitRoot).toBe(tree.root)
  })

  it('a 17th message in one block reverts (a settlement carries at most 16 leaves)', async () => {
    const block = await sealWithMessages(17)
    expect(block.receipts.slice(0, 16).every((r) => r.status === 1)).toBe(true)
    expect(block.receipts[16]?.status).toBe(0)
    expect(node.exitTree?.messagesOf(4)).toHaveLength(16)
  })

  it('resumes from chain.db after a restart with the same root and positions', async () => {
    const before = { root: node.exitTree?.root, status: node.exitTree?.status }
    await node.stop()
    node = open()
    await node.start()
    expect(node.exitTree?.root).toBe(before.root)
    expect(node.exitTree?.status).toEqual(before.status)
    const b = await sealWithMessages(1)
    expect(b.header.exitRoot).toBe(node.exitTree?.root)
    expect(node.exitTree?.status.size).toBe((before.status?.size ?? 0) + 1)
    expect(node.exitTree?.messages().at(-1)?.position).toBe(before.status?.size)
  })
})
