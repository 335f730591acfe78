// The real executor: chain's tests may use dual-vm (chain's src never imports it).
import { createSerialExecutor, genesisWriteSet } from '@rollup-mesh/dual-vm'
import { type Address, parseEther } from 'viem'
import { describe, expect, it } from 'vitest'
import { hasPendingBlockStartWork, setPendingBlockStartWork } from '../../src/blockStartWork.js'
import { Chain } from '../../src/chain.js'
import { shouldSealAt } from '../../src/producer.js'
import { ChainStore } from '../../src/store.js'
import { CHAIN_ID, keys, signTx } from './helpers.js'

const alice = keys[0]?.address.toLowerCase() as Address

describe('pending block-start work (queued deliveries) and the producer', () => {
  it('a tick ahead of the clock seals for it as for a waiting transaction, within the lead', async () => {
    const store = new ChainStore({ path: ':memory:' })
    const chain = new Chain(
      { chainId: CHAIN_ID, blockGasLimit: 30_000_000n },
      { store, executor: createSerialExecutor() },
    )
    const { writeSet, stateRoot } = genesisWriteSet({ [alice]: { balance: parseEther('1') } })
    await chain.open({ writeSet, stateRoot, timestamp: 1_700_000_000n })
    const now = 1_700_000_100n
    await chain.produceBlock(now) // head at `now`: the next block would take now + 1
    let queued = 0
    expect(shouldSealAt(chain, now, 2n)).toBe(false)
    setPendingBlockStartWork(chain, () => queued > 0)
    expect(shouldSealAt(chain, now, 2n)).toBe(false) // registered, nothing queued
    queued = 1
    expect(hasPendingBlockStartWork(chain)).toBe(true)
    expect(shouldSealAt(chain, now, 2n)).toBe(true)
    expect(shouldSealAt(chain, now, 0n)).toBe(false) // the lead bound holds
    expect(shouldSealAt(chain, now + 1n, 2n)).toBe(true) // the clock moved on: sealed anyway
    // a throwing check neither stalls nor forces production
    setPendingBlockStartWork(chain, () => {
      throw new RangeError('inbox closed')
    })
    expect(hasPendingBlockStartWork(chain)).toBe(false)
    expect(shouldSealAt(chain, now, 2n)).toBe(false)
    // pool transactions still count without any registration
    setPendingBlockStartWork(chain, undefined)
    await chain.mempool.add(await signTx(0, { nonce: 0 }))
    expect(shouldSealAt(chain, now, 2n)).toBe(true)
    store.close()
  })
})
