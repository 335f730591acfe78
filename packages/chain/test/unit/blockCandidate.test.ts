import { createSerialExecutor, genesisWriteSet } from '@rollup-mesh/dual-vm'
import { type Address, parseEther } from 'viem'
import { describe, expect, it } from 'vitest'
import { InvalidBlockError, StaleCandidateError } from '../../src/blockErrors.js'
import { Chain } from '../../src/chain.js'
import { ChainStore } from '../../src/store.js'
import { CHAIN_ID, keys, signTx } from './helpers.js'

const alice = keys[0]?.address.toLowerCase() as Address

async function openChain(extraData = '0xabcd' as const) {
  const store = new ChainStore({ path: ':memory:' })
  const chain = new Chain(
    { chainId: CHAIN_ID, blockGasLimit: 30_000_000n, coinbase: alice },
    { store, executor: createSerialExecutor() },
  )
  chain.setExtraDataHook(() => extraData)
  const { writeSet, stateRoot } = genesisWriteSet({ [alice]: { balance: parseEther('100') } })
  await chain.open({ writeSet, stateRoot, timestamp: 1_700_000_000n })
  return { chain, store }
}

describe('Chain: buildBlock → executeBlock → commitCandidate', () => {
  it('builds without committing; another chain re-executes it to the same hash; commit stores the certificate', async () => {
    const a = await openChain()
    const b = await openChain()
    const raw = await signTx(0, { nonce: 0 })
    await a.chain.mempool.add(raw)
    const built = await a.chain.buildBlock()
    expect(built.txs).toHaveLength(1)
    expect(built.header.extraData).toBe('0xabcd')
    expect(a.chain.head().number).toBe(0n) // nothing committed
    expect(a.chain.mempool.size).toBe(1)
    const executed = await b.chain.executeBlock({ header: built.header, txs: built.txs })
    expect(executed.hash).toBe(built.hash)
    const cert = new Uint8Array([1, 2, 3])
    const events: bigint[] = []
    b.chain.events.on('block', (blk) => events.push(blk.header.number))
    const sealed = b.chain.commitCandidate(executed, { certificate: cert })
    expect(sealed.header.hash).toBe(built.hash)
    expect(events).toEqual([1n])
    expect(b.chain.certificates.get(1n)).toEqual({ number: 1n, hash: built.hash, certificate: cert })
    expect(b.chain.certificates.latest()).toBe(1n)
    a.chain.commitCandidate(built)
    expect(a.chain.mempool.size).toBe(0)
    expect(a.chain.certificates.get(1n)).toBeUndefined()
    // a candidate on the old head is stale now
    expect(() => a.chain.commitCandidate(built)).toThrow(StaleCandidateError)
    a.store.close()
    b.store.close()
  })

  it('refuses a tampered header naming the first field that differs, and changes nothing', async () => {
    const a = await openChain()
    const b = await openChain()
    await a.chain.mempool.add(await signTx(0, { nonce: 0 }))
    const built = await a.chain.buildBlock()
    const cases: Array<[string, object]> = [
      ['stateRoot', { stateRoot: `0x${'22'.repeat(32)}` }],
      ['gasUsed', { gasUsed: built.header.gasUsed + 1n }],
      ['extraData', { extraData: '0x01' }],
      ['parentHash', { parentHash: `0x${'33'.repeat(32)}` }],
      ['number', { number: 5n }],
      ['baseFeePerGas', { baseFeePerGas: 1n }],
    ]
    for (const [field, patch] of cases) {
      const err = await b.chain
        .executeBlock({ header: { ...built.header, ...patch }, txs: built.txs })
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(InvalidBlockError)
      expect((err as InvalidBlockError).code).toBe('INVALID_BLOCK')
      expect((err as InvalidBlockError).field).toBe(field)
    }
    // A transaction dropped from the body: the transactions root differs.
    const missing = await b.chain.executeBlock({ header: built.header, txs: [] }).catch((e: unknown) => e)
    expect((missing as InvalidBlockError).field).toBe('stateRoot')
    expect(b.chain.head().number).toBe(0n)
    a.store.close()
    b.store.close()
  })

  it('produceBlock still builds and commits in one call', async () => {
    const a = await openChain()
    await a.chain.mempool.add(await signTx(0, { nonce: 0 }))
    const block = await a.chain.produceBlock()
    expect(block.header.number).toBe(1n)
    expect(block.txs).toHaveLength(1)
    a.store.close()
  })
})
