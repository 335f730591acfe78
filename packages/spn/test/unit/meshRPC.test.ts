import '@rollup-mesh/core/polyfill'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RPCContext } from '@rollup-mesh/chain'
import { devAccounts, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { encodeFunctionData, type Hex, numberToHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDeliveryRPCMethods } from '../../src/delivery/rpc.js'
import { createDeliveryService } from '../../src/delivery/service.js'
import { type SPNNode, spnMailboxAbi } from '../../src/index.js'
import { createExitTreeRPCMethods } from '../../src/settlement/rpc.js'
import { createManualSPNNode } from '../e2e/helpers.js'

const [user, recipient] = devAccounts(2) as [
  ReturnType<typeof devAccounts>[number],
  ReturnType<typeof devAccounts>[number],
]
const CHAIN_ID = 4106
const ctx = {} as RPCContext

describe('spn mesh_ RPC methods (in-process node)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spn-mesh-rpc-'))
  let node: SPNNode
  let txHash: Hex

  beforeAll(async () => {
    node = createManualSPNNode({
      spnId: 'spn6',
      chainId: CHAIN_ID,
      dataDir: dir,
      devAccounts: 2,
    })
    await node.start()
    const raw = await privateKeyToAccount(user.privateKey).signTransaction({
      chainId: CHAIN_ID,
      type: 'eip1559',
      nonce: 0,
      to: SYSTEM_ADDRESSES.spn.mailbox,
      gas: 200_000n,
      maxFeePerGas: 10n ** 11n,
      maxPriorityFeePerGas: 1n,
      data: encodeFunctionData({
        abi: spnMailboxAbi,
        functionName: 'sendMessage',
        args: [2n, recipient.address, '0x01'],
      }),
    })
    txHash = await node.chain.mempool.add(raw as Hex)
    await node.chain.produceBlock()
  })

  afterAll(async () => {
    await node.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const invalidParams = expect.objectContaining({ rpcCode: -32602 })

  it('mesh_getMessagesByTx: a transaction’s messages with their positions; a bad hash is -32602', async () => {
    const m = createExitTreeRPCMethods(node.chain, node.exitTree)
    expect(await m.mesh_getMessagesByTx?.([txHash], ctx)).toMatchObject([
      { position: 0, batch: 0, txHash, dstSpn: '0x2', srcSpn: '0x6', data: '0x01' },
    ])
    expect(await m.mesh_getMessagesByTx?.([numberToHex(1, { size: 32 })], ctx)).toEqual([])
    expect(() => m.mesh_getMessagesByTx?.(['0x1234'], ctx)).toThrow(invalidParams)
    expect(() => m.mesh_getMessagesByTx?.([], ctx)).toThrow(invalidParams)
    expect(() => m.mesh_getMessagesByTx?.([txHash, 1], ctx)).toThrow(invalidParams)
    // Without an exit tree (no numeric id) a transaction sent nothing the node knows of.
    expect(
      await createExitTreeRPCMethods(node.chain, undefined).mesh_getMessagesByTx?.([txHash], ctx),
    ).toEqual([])
  })

  it('mesh_getExitProof: a position as a number or a quantity; anything else, or an unknown position, is -32602', async () => {
    const m = createExitTreeRPCMethods(node.chain, node.exitTree)
    const byNumber = (await m.mesh_getExitProof?.([0], ctx)) as { index: number; siblings: Hex[]; root: Hex }
    expect(byNumber.index).toBe(0)
    expect(byNumber.siblings).toHaveLength(24)
    expect(byNumber.root).toBe(node.exitTree?.root)
    expect(await m.mesh_getExitProof?.(['0x0'], ctx)).toEqual(byNumber)
    for (const bad of [[-1], [1.5], ['zero'], ['0x00'], [], [0, 0, 0]])
      expect(() => m.mesh_getExitProof?.(bad, ctx)).toThrow(invalidParams)
    expect(() => m.mesh_getExitProof?.([5], ctx)).toThrow(invalidParams)
    expect(() => createExitTreeRPCMethods(node.chain, undefined).mesh_getExitProof?.([0], ctx)).toThrow(
      invalidParams,
    )
  })

  it('mesh_getInbox: an optional status; an unknown one is -32602', async () => {
    const delivery = createDeliveryService({
      chain: node.chain,
      spnId: 6n,
      mainnetRpcUrl: 'http://127.0.0.1:1',
      p2p: () => undefined,
    })
    const m = createDeliveryRPCMethods(delivery)
    expect(await m.mesh_getInbox?.([], ctx)).toEqual([])
    expect(await m.mesh_getInbox?.([null], ctx)).toEqual([])
    expect(await m.mesh_getInbox?.(['queued'], ctx)).toEqual([])
    expect(() => m.mesh_getInbox?.(['sent'], ctx)).toThrow(invalidParams)
    expect(() => m.mesh_getInbox?.(['queued', 1], ctx)).toThrow(invalidParams)
    expect(await createDeliveryRPCMethods(undefined).mesh_getInbox?.([], ctx)).toEqual([])
  })
})
