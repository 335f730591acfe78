import { beforeAll, describe, expect, it } from 'vitest'
import { createAccessList } from '../../../src/trace/accessList.js'
import { alice, bob, makeTx, TestChain } from '../helpers.js'
import { callTx, deployTracing, nextHeader, type Tracing, tracingContracts } from './fixture.js'

let t: Tracing
beforeAll(async () => {
  t = await tracingContracts()
}, 60_000)

const word = (n: bigint) => `0x${n.toString(16).padStart(64, '0')}`

describe('createAccessList', () => {
  it('lists the touched contracts and slots, and its gas is what the transaction uses with the list', async () => {
    const chain = new TestChain()
    const { parent, child } = await deployTracing(chain, t)
    const call = callTx(chain, bob, parent, t.parent, 'go', [7n])
    const result = await createAccessList({
      header: nextHeader(chain),
      state: chain.state,
      from: bob,
      to: parent,
      data: call.data,
    })
    // the recipient stays in because its storage is touched; the sender and precompiles never appear
    expect(result.accessList).toEqual(
      [
        { address: parent, storageKeys: [word(0n), word(1n)] },
        { address: child, storageKeys: [word(0n)] },
      ].sort((a, b) => (a.address < b.address ? -1 : 1)),
    )
    expect(result.error).toBeUndefined()
    const tx = makeTx({ ...call, accessList: result.accessList, gas: 500_000n })
    const mined = await chain.block([tx])
    expect(mined.receipts[0]!.status).toBe(1)
    expect(result.gasUsed).toBe(mined.receipts[0]!.gasUsed)
  })

  it('leaves the recipient out when it has no storage touched, and reports a revert', async () => {
    const chain = new TestChain()
    const { parent } = await deployTracing(chain, t)
    const plain = await createAccessList({
      header: nextHeader(chain),
      state: chain.state,
      from: alice,
      to: bob,
    })
    expect(plain).toEqual({ accessList: [], gasUsed: 21_000n })
    const failing = callTx(chain, alice, parent, t.parent, 'fail')
    const failed = await createAccessList({
      header: nextHeader(chain),
      state: chain.state,
      from: alice,
      to: parent,
      data: failing.data,
    })
    expect(failed.error).toBe('execution reverted: boom')
  })
})
