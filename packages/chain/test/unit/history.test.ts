import { EMPTY_CODE_HASH } from '@rollup-mesh/core'
// The real executor: chain's tests may use dual-vm (chain's src never imports it).
import {
  commitWriteSet,
  createSerialExecutor,
  genesisWriteSet,
  simulateCall,
  stateRootOf,
} from '@rollup-mesh/dual-vm'
import { type Address, type Hex, numberToHex, parseEther } from 'viem'
import { describe, expect, it } from 'vitest'
import { Chain } from '../../src/chain.js'
import { RPCError } from '../../src/errors.js'
import { createDevStateMethods } from '../../src/rpc/devState.js'
import { createEthMethods } from '../../src/rpc/eth.js'
import type { RPCMethods } from '../../src/rpc/server.js'
import { createSnapshotMethods } from '../../src/rpc/snapshots.js'
import { createStateDumpMethods, decodeStateDump } from '../../src/rpc/stateDump.js'
import { ChainStore } from '../../src/store.js'
import { HistoryWindowError } from '../../src/storeErrors.js'
import type { HistoryRetention } from '../../src/storeTypes.js'
import { CHAIN_ID, keys, signTx } from './helpers.js'

const alice = keys[0]?.address.toLowerCase() as Address
const bob = keys[1]?.address.toLowerCase() as Address
const carol = keys[2]?.address.toLowerCase() as Address
/**
 * A register: any call returns slot 0, then stores CALLVALUE there when it is not zero
 * (`PUSH0 SLOAD PUSH0 MSTORE CALLVALUE ISZERO PUSH1 12 JUMPI CALLVALUE PUSH0 SSTORE JUMPDEST PUSH1 32 PUSH0 RETURN`).
 */
const COUNTER: Address = '0x00000000000000000000000000000000000c0de1'
const COUNTER_CODE: Hex = '0x5f545f523415600c57345f555b60205ff3'

async function openChain(history?: HistoryRetention) {
  const store = new ChainStore({ path: ':memory:', ...(history ? { history } : {}) })
  const { writeSet, stateRoot } = genesisWriteSet({
    [alice]: { balance: parseEther('1000') },
    [carol]: { balance: parseEther('1000') },
    [COUNTER]: { code: COUNTER_CODE },
  })
  const chain = new Chain(
    { chainId: CHAIN_ID, blockGasLimit: 30_000_000n },
    {
      store,
      executor: createSerialExecutor(),
      simulateCall: (p) => simulateCall(p),
      commitWriteSet,
    },
  )
  await chain.open({ writeSet, stateRoot, timestamp: 1_700_000_000n })
  const methods: RPCMethods = {
    ...createEthMethods(chain),
    ...createDevStateMethods(chain),
    ...createSnapshotMethods(chain),
    ...createStateDumpMethods(chain),
  }
  const rpc = async (method: string, ...params: unknown[]) => {
    const m = methods[method]
    if (!m) throw new Error(`no method ${method}`)
    return m(params, {})
  }
  return { chain, store, rpc }
}

/** Block `i` (1-based): alice sends bob `i` wei and calls the counter with value `i`. */
async function produce(chain: Chain, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i++) {
    await chain.mempool.add(await signTx(0, { nonce: 2 * (i - 1), to: bob, value: BigInt(i) }))
    await chain.mempool.add(
      await signTx(0, { nonce: 2 * (i - 1) + 1, to: COUNTER, value: BigInt(i), gas: 60_000n }),
    )
    const block = await chain.produceBlock(1_700_000_000n + BigInt(i))
    expect(block.txs.length).toBe(2)
  }
}

const bobAt = (i: number) => BigInt((i * (i + 1)) / 2)

describe('state history', () => {
  it('serves balances, nonces, storage and calls at every block after 1,000 blocks', async () => {
    const { chain, rpc, store } = await openChain()
    await produce(chain, 1, 1_000)
    expect(chain.head().number).toBe(1_000n)
    for (const i of [0, 1, 2, 10, 499, 500, 999, 1_000]) {
      const tag = numberToHex(i)
      expect(await rpc('eth_getBalance', bob, tag)).toBe(numberToHex(bobAt(i)))
      expect(await rpc('eth_getTransactionCount', alice, tag)).toBe(numberToHex(2 * i))
      expect(await rpc('eth_getStorageAt', COUNTER, '0x0', tag)).toBe(numberToHex(i, { size: 32 }))
      // eth_call at the block runs over that block's state
      expect(await rpc('eth_call', { to: COUNTER, data: '0x' }, tag)).toBe(numberToHex(i, { size: 32 }))
      expect(await rpc('eth_getCode', COUNTER, tag)).toBe(COUNTER_CODE)
    }
    // the state root of a historical view is the block's
    for (const i of [1n, 500n, 999n]) {
      const h = store.getHeaderByNumber(i)
      const { HistoricalStateView } = await import('../../src/historicalStateView.js')
      expect(stateRootOf(new HistoricalStateView(store, i))).toBe(h?.stateRoot)
    }
    // an estimate at an old block runs there
    expect(BigInt((await rpc('eth_estimateGas', { from: bob, to: alice, value: '0x1' }, '0x1')) as Hex)).toBe(
      21_000n,
    )
    store.close()
  }, 120_000)

  it('resolves EIP-1898 objects (blockHash, blockNumber) and names an unknown hash', async () => {
    const { chain, rpc, store } = await openChain()
    await produce(chain, 1, 5)
    const h3 = store.getHeaderByNumber(3n)?.hash as Hex
    expect(await rpc('eth_getBalance', bob, { blockHash: h3 })).toBe(numberToHex(bobAt(3)))
    expect(await rpc('eth_getBalance', bob, { blockHash: h3, requireCanonical: true })).toBe(
      numberToHex(bobAt(3)),
    )
    expect(await rpc('eth_getBalance', bob, { blockNumber: '0x2' })).toBe(numberToHex(bobAt(2)))
    const unknown = `0x${'ab'.repeat(32)}` as Hex
    await expect(rpc('eth_getBalance', bob, { blockHash: unknown })).rejects.toThrow(
      `header not found: no block with hash ${unknown}`,
    )
    await expect(rpc('eth_getBalance', bob, '0x99')).rejects.toThrow('header not found')
    store.close()
  })

  it('keeps a retention window, prunes older change sets, and names the oldest block kept', async () => {
    const { chain, rpc, store } = await openChain({ blocks: 10 })
    await produce(chain, 1, 40)
    expect(store.oldestStateBlock()).toBe(31n)
    expect(await rpc('eth_getBalance', bob, numberToHex(31))).toBe(numberToHex(bobAt(31)))
    const err = await rpc('eth_getBalance', bob, numberToHex(30)).catch((e) => e)
    expect(err).toBeInstanceOf(HistoryWindowError)
    expect(err).toBeInstanceOf(RPCError)
    expect((err as Error).message).toContain('the oldest block whose state this node keeps is 31')
    expect((err as HistoryWindowError).code).toBe('HISTORY_OUT_OF_WINDOW')
    // pruned: a read at block 31 still right after more blocks pruned older rows
    await produce(chain, 41, 45)
    expect(await rpc('eth_getStorageAt', COUNTER, '0x0', numberToHex(36))).toBe(numberToHex(36, { size: 32 }))
    await expect(rpc('eth_call', { to: COUNTER }, numberToHex(35))).rejects.toThrow(HistoryWindowError)
    expect(() => new ChainStore({ path: ':memory:', history: { blocks: -1 } })).toThrow(
      'history.blocks must be a whole number of blocks',
    )
    store.close()
  })
})

describe('writes outside blocks (dev state methods)', () => {
  it('set balance, nonce, code and storage at the head; older blocks keep their values', async () => {
    const { chain, rpc, store } = await openChain()
    await produce(chain, 1, 3)
    const rootBefore = stateRootOf(chain.state)
    expect(await rpc('anvil_setBalance', bob, '0x10')).toBeNull()
    expect(await rpc('hardhat_setBalance', carol, '1000')).toBeNull()
    expect(await rpc('anvil_setNonce', bob, '0x7')).toBeNull()
    expect(await rpc('anvil_setCode', bob, '0x6001')).toBeNull()
    expect(await rpc('anvil_setStorageAt', COUNTER, '0x0', numberToHex(99, { size: 32 }))).toBe(true)
    expect(await rpc('hardhat_setStorageAt', COUNTER, '0x5', numberToHex(5, { size: 32 }))).toBe(true)
    expect(await rpc('eth_getBalance', bob, 'latest')).toBe('0x10')
    expect(await rpc('eth_getBalance', carol, 'latest')).toBe(numberToHex(1000))
    expect(await rpc('eth_getTransactionCount', bob, 'latest')).toBe('0x7')
    expect(await rpc('eth_getCode', bob, 'latest')).toBe('0x6001')
    expect(await rpc('eth_getStorageAt', COUNTER, '0x0', 'latest')).toBe(numberToHex(99, { size: 32 }))
    // older blocks: as sealed
    expect(await rpc('eth_getBalance', bob, '0x2')).toBe(numberToHex(bobAt(2)))
    expect(await rpc('eth_getCode', bob, '0x2')).toBe('0x')
    expect(await rpc('eth_getStorageAt', COUNTER, '0x0', '0x2')).toBe(numberToHex(2, { size: 32 }))
    // the state root moved with the writes
    const rootAfter = stateRootOf(chain.state)
    expect(rootAfter).not.toBe(rootBefore)
    // the next block builds on them, and block 3 as sealed stays readable at its own root
    await chain.mempool.add(await signTx(0, { nonce: 6, to: COUNTER, value: 4n, gas: 60_000n }))
    await chain.produceBlock(1_700_000_004n)
    const { HistoricalStateView } = await import('../../src/historicalStateView.js')
    expect(stateRootOf(new HistoricalStateView(store, 3n))).toBe(store.getHeaderByNumber(3n)?.stateRoot)
    expect(await rpc('eth_getBalance', bob, '0x3')).toBe(numberToHex(bobAt(3)))
    expect(await rpc('eth_getBalance', bob, '0x4')).toBe('0x10')
    expect(await rpc('eth_getStorageAt', COUNTER, '0x0', '0x4')).toBe(numberToHex(4, { size: 32 }))
    expect(await rpc('eth_getStorageAt', COUNTER, '0x5', '0x4')).toBe(numberToHex(5, { size: 32 }))
    expect(await rpc('eth_getStorageAt', COUNTER, '0x5', '0x3')).toBe(numberToHex(0, { size: 32 }))
    store.close()
  })

  it('rejects bad parameters naming the argument, changing nothing', async () => {
    const { rpc, store } = await openChain()
    await expect(rpc('anvil_setBalance', 'zz', '0x1')).rejects.toThrow('invalid argument 0')
    await expect(rpc('anvil_setBalance', bob, 'lots')).rejects.toThrow(
      'invalid argument 1: expected the balance',
    )
    await expect(rpc('anvil_setStorageAt', COUNTER, '0x0', '0x3')).rejects.toThrow(
      'invalid argument 2: expected 0x-prefixed hex of 32 bytes',
    )
    await expect(rpc('anvil_setNonce', bob, numberToHex(1n << 64n))).rejects.toThrow('invalid argument 1')
    expect(await rpc('eth_getBalance', bob, 'latest')).toBe('0x0')
    expect(store.stateVersion()).toBe(0)
    store.close()
  })
})

describe('evm_snapshot / evm_revert', () => {
  it('snapshot → 100 transactions → revert gives back the state root, block number and pool', async () => {
    const { chain, rpc, store } = await openChain()
    await produce(chain, 1, 2)
    await rpc('anvil_setBalance', carol, numberToHex(parseEther('50')))
    // a pending transaction in the pool at snapshot time
    await chain.mempool.add(await signTx(2, { nonce: 0, to: alice, value: 1n }))
    const pool = chain.mempool.size
    const root = stateRootOf(chain.state)
    const head = chain.head()
    const dumped = decodeStateDump((await rpc('anvil_dumpState')) as Hex)
    expect(await rpc('evm_snapshot')).toBe('0x0')
    expect(await rpc('evm_snapshot')).toBe('0x1')
    for (let b = 0; b < 10; b++) {
      for (let t = 0; t < 10; t++) {
        const nonce = 4 + b * 10 + t
        await chain.mempool.add(
          await signTx(0, { nonce, to: t % 2 ? bob : COUNTER, value: BigInt(nonce), gas: 60_000n }),
        )
      }
      await chain.produceBlock(1_700_000_100n + BigInt(b))
    }
    await rpc('anvil_setBalance', bob, '0x1')
    await rpc('anvil_setCode', carol, '0x60016002')
    expect(chain.head().number).toBe(12n)
    expect(await rpc('evm_snapshot')).toBe('0x2')
    expect(await rpc('evm_revert', '0x1')).toBe(true)
    expect(chain.head()).toEqual(head)
    expect(await rpc('eth_blockNumber')).toBe('0x2')
    expect(stateRootOf(chain.state)).toBe(root)
    // every account, code and slot as it was (not only the commitment)
    expect(decodeStateDump((await rpc('anvil_dumpState')) as Hex)).toEqual(dumped)
    expect(chain.mempool.size).toBe(pool)
    expect(await rpc('eth_getBalance', carol, 'latest')).toBe(numberToHex(parseEther('50')))
    expect(await rpc('eth_getCode', carol, 'latest')).toBe('0x')
    expect(await rpc('eth_getStorageAt', COUNTER, '0x0', 'latest')).toBe(numberToHex(2, { size: 32 }))
    expect(await rpc('eth_getBlockByNumber', '0x3', false)).toBeNull()
    // snapshot 0x2 went with the revert; 0x0 is still there
    expect(await rpc('evm_revert', '0x2')).toBe(false)
    expect(await rpc('evm_revert', '0x1')).toBe(false)
    // the chain goes on from there: the pending tx and new ones are mined
    await chain.mempool.add(await signTx(0, { nonce: 4, to: bob, value: 1n }))
    const next = await chain.produceBlock(1_700_000_200n)
    expect(next.header.number).toBe(3n)
    expect(next.txs.length).toBe(2)
    // block 2 as it was sealed (the dev write came after it): what `latest` showed was the head's state
    expect(await rpc('eth_getBalance', carol, '0x2')).toBe(numberToHex(parseEther('1000')))
    expect(await rpc('evm_revert', '0x0')).toBe(true)
    expect(stateRootOf(chain.state)).toBe(root)
    expect(chain.head().number).toBe(2n)
    expect(store.getTx(next.txs[0]?.hash as Hex)).toBeUndefined()
    store.close()
  })

  it('a revert rewinds writes made after the snapshot at the same head, and keeps those before', async () => {
    const { chain, rpc, store } = await openChain()
    await rpc('anvil_setBalance', bob, '0x5')
    await rpc('evm_snapshot')
    await rpc('anvil_setBalance', bob, '0x6')
    await rpc('anvil_setStorageAt', COUNTER, '0x1', numberToHex(1, { size: 32 }))
    expect(await rpc('evm_revert', '0x0')).toBe(true)
    expect(await rpc('eth_getBalance', bob, 'latest')).toBe('0x5')
    expect(await rpc('eth_getStorageAt', COUNTER, '0x1', 'latest')).toBe(numberToHex(0, { size: 32 }))
    expect(chain.state.getAccount(bob)?.codeHash).toBe(EMPTY_CODE_HASH)
    store.close()
  })
})

describe('anvil_dumpState / anvil_loadState', () => {
  it('a dump loaded into a new chain gives the same accounts, code and storage (and state root)', async () => {
    const a = await openChain()
    await produce(a.chain, 1, 3)
    await a.rpc('anvil_setStorageAt', COUNTER, '0x9', numberToHex(9, { size: 32 }))
    const dump = (await a.rpc('anvil_dumpState')) as Hex
    expect(dump.startsWith('0x1f8b')).toBe(true) // gzip, as anvil answers
    const parsed = decodeStateDump(dump)
    expect(parsed.accounts[COUNTER]?.code).toBe(COUNTER_CODE)
    expect(parsed.accounts[COUNTER]?.storage[numberToHex(9, { size: 32 })]).toBe(numberToHex(9, { size: 32 }))
    const b = await openChain()
    expect(await b.rpc('anvil_loadState', dump)).toBe(true)
    for (const who of [alice, bob, carol, COUNTER])
      expect(await b.rpc('eth_getBalance', who, 'latest')).toBe(await a.rpc('eth_getBalance', who, 'latest'))
    expect(await b.rpc('eth_getTransactionCount', alice, 'latest')).toBe('0x6')
    expect(await b.rpc('eth_getStorageAt', COUNTER, '0x0', 'latest')).toBe(numberToHex(3, { size: 32 }))
    expect(await b.rpc('eth_getStorageAt', COUNTER, '0x9', 'latest')).toBe(numberToHex(9, { size: 32 }))
    expect(stateRootOf(b.chain.state)).toBe(stateRootOf(a.chain.state))
    await expect(b.rpc('anvil_loadState', '0x1234')).rejects.toThrow(
      'invalid argument 0: expected a state dump',
    )
    a.store.close()
    b.store.close()
  })
})
