import { getContractAddress, type Hex, keccak256, toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Chain } from '../../../src/chain.js'
import { RPCError, RPCErrorCode } from '../../../src/errors.js'
import { createEthMethods } from '../../../src/rpc/eth.js'
import { createFilterMethods } from '../../../src/rpc/filters.js'
import type { RPCMethods } from '../../../src/rpc/server.js'
import { keys, signTx } from '../helpers.js'
import { invoke, logEmitter, openDevChain, signCreate } from './devChain.js'

const TOPIC_A = keccak256(toHex('A'))
const TOPIC_B = keccak256(toHex('B'))

let chain: Chain
let clock = 1_000_000
let methods: RPCMethods
let nonce = 0

/** Sends a transaction from alice that emits LOG1(topic) and mines it; returns the block. */
async function mineLog(topic: Hex) {
  await chain.mempool.add(await signCreate(0, nonce++, logEmitter(topic)))
  return chain.produceBlock()
}

beforeAll(async () => {
  chain = await openDevChain()
  methods = createFilterMethods(chain, { now: () => clock, maxFilters: 4, maxChanges: 3 })
})
afterAll(() => chain.store.close())

const rpcError = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(RPCError)
  return err as RPCError
}

describe('eth_newFilter / eth_newBlockFilter / eth_newPendingTransactionFilter', () => {
  it('a block filter answers the hashes of blocks sealed since the last poll, then nothing', async () => {
    const id = (await invoke(methods, 'eth_newBlockFilter')) as Hex
    expect(id).toMatch(/^0x[0-9a-f]{1,32}$/)
    const b1 = await chain.produceBlock()
    const b2 = await chain.produceBlock()
    expect(await invoke(methods, 'eth_getFilterChanges', [id])).toEqual([b1.header.hash, b2.header.hash])
    expect(await invoke(methods, 'eth_getFilterChanges', [id])).toEqual([])
    expect(await invoke(methods, 'eth_uninstallFilter', [id])).toBe(true)
  })

  it('a log filter answers matching logs of new blocks (removed: false), not older ones; eth_getFilterLogs runs its criteria', async () => {
    const before = await mineLog(TOPIC_A)
    const id = (await invoke(methods, 'eth_newFilter', [{ topics: [TOPIC_A] }])) as Hex
    const other = (await invoke(methods, 'eth_newFilter', [{ topics: [[TOPIC_B]] }])) as Hex
    const mined = await mineLog(TOPIC_A)
    await mineLog(TOPIC_B)
    const changes = (await invoke(methods, 'eth_getFilterChanges', [id])) as Record<string, unknown>[]
    expect(changes).toHaveLength(1)
    expect(changes[0]).toMatchObject({
      topics: [TOPIC_A],
      blockHash: mined.header.hash,
      blockNumber: toHex(mined.header.number),
      transactionHash: mined.txs[0]?.hash,
      logIndex: '0x0',
      removed: false,
    })
    expect(await invoke(methods, 'eth_getFilterChanges', [other])).toHaveLength(1)
    // eth_getFilterLogs: the criteria over the store (fromBlock defaults to latest, as in eth_getLogs).
    const all = (await invoke(methods, 'eth_newFilter', [{ fromBlock: '0x0', topics: [TOPIC_A] }])) as Hex
    const logs = (await invoke(methods, 'eth_getFilterLogs', [all])) as { blockHash: Hex }[]
    expect(logs.map((l) => l.blockHash)).toEqual([before.header.hash, mined.header.hash])
    expect(
      await invoke(createEthMethods(chain), 'eth_getLogs', [{ fromBlock: '0x0', topics: [TOPIC_A] }]),
    ).toEqual(logs)
    for (const f of [id, other, all]) await invoke(methods, 'eth_uninstallFilter', [f])
  })

  it('a log filter naming addresses gets the logs of each of them, in block order, and no others', async () => {
    const at = (n: number) =>
      getContractAddress({ from: keys[0]?.address as Hex, nonce: BigInt(n) }).toLowerCase()
    const [first, second] = [at(nonce), at(nonce + 1)]
    const both = (await invoke(methods, 'eth_newFilter', [{ address: [second, first] }])) as Hex
    const one = (await invoke(methods, 'eth_newFilter', [{ address: second, topics: [null, null] }])) as Hex
    const none = (await invoke(methods, 'eth_newFilter', [{ address: `0x${'42'.repeat(20)}` }])) as Hex
    await chain.mempool.add(await signCreate(0, nonce++, logEmitter(TOPIC_A)))
    await chain.mempool.add(await signCreate(0, nonce++, logEmitter(TOPIC_B)))
    await chain.mempool.add(await signCreate(0, nonce++, logEmitter(TOPIC_A))) // a third address
    await chain.produceBlock()
    const addresses = async (id: Hex) =>
      ((await invoke(methods, 'eth_getFilterChanges', [id])) as { address: Hex; logIndex: Hex }[]).map(
        (l) => [l.address, l.logIndex],
      )
    expect(await addresses(both)).toEqual([
      [first, '0x0'],
      [second, '0x1'],
    ])
    // trailing null topics are wildcards even past a log's last topic (our eth_getLogs and anvil agree)
    expect(await addresses(one)).toEqual([[second, '0x1']])
    expect(await addresses(none)).toEqual([])
    for (const f of [both, one, none]) await invoke(methods, 'eth_uninstallFilter', [f])
  })

  it('a log filter with numeric bounds skips blocks outside them', async () => {
    const head = chain.head().number
    const id = (await invoke(methods, 'eth_newFilter', [
      { fromBlock: toHex(head + 2n), toBlock: toHex(head + 2n) },
    ])) as Hex
    await mineLog(TOPIC_A) // head + 1: before the range
    const inRange = await mineLog(TOPIC_A)
    await mineLog(TOPIC_A) // head + 3: after it
    const changes = (await invoke(methods, 'eth_getFilterChanges', [id])) as { blockHash: Hex }[]
    expect(changes.map((c) => c.blockHash)).toEqual([inRange.header.hash])
    await invoke(methods, 'eth_uninstallFilter', [id])
    await expect(
      rpcError(invoke(methods, 'eth_newFilter', [{ fromBlock: '0x5', toBlock: '0x4' }])),
    ).resolves.toMatchObject({
      rpcCode: RPCErrorCode.invalidParams,
    })
  })

  it('a pending-transaction filter answers hashes of transactions entering the pool (full objects with fullTx)', async () => {
    const hashes = (await invoke(methods, 'eth_newPendingTransactionFilter')) as Hex
    const full = (await invoke(methods, 'eth_newPendingTransactionFilter', [true])) as Hex
    const hash = await chain.mempool.add(await signTx(1, { nonce: 0 }))
    expect(await invoke(methods, 'eth_getFilterChanges', [hashes])).toEqual([hash])
    const [tx] = (await invoke(methods, 'eth_getFilterChanges', [full])) as Record<string, unknown>[]
    expect(tx).toMatchObject({ hash, nonce: '0x0', blockHash: null, blockNumber: null })
    await chain.produceBlock()
    expect(await invoke(methods, 'eth_getFilterChanges', [hashes])).toEqual([])
    // geth: only log filters have logs
    expect((await rpcError(invoke(methods, 'eth_getFilterLogs', [hashes]))).shortMessage).toBe(
      'filter not found',
    )
    await invoke(methods, 'eth_uninstallFilter', [hashes])
    await invoke(methods, 'eth_uninstallFilter', [full])
  })
})

describe('filter lifetime and limits', () => {
  it('an unknown or uninstalled id is geth’s "filter not found"; uninstalling twice answers false', async () => {
    const id = (await invoke(methods, 'eth_newBlockFilter')) as Hex
    expect(await invoke(methods, 'eth_uninstallFilter', [id])).toBe(true)
    expect(await invoke(methods, 'eth_uninstallFilter', [id])).toBe(false)
    const err = await rpcError(invoke(methods, 'eth_getFilterChanges', [id]))
    expect(err).toMatchObject({ rpcCode: RPCErrorCode.server, shortMessage: 'filter not found' })
    const bad = await rpcError(invoke(methods, 'eth_getFilterChanges', ['nope']))
    expect(bad.rpcCode).toBe(RPCErrorCode.invalidParams)
  })

  it('a filter not polled for 5 minutes expires; a poll resets its deadline', async () => {
    const kept = (await invoke(methods, 'eth_newBlockFilter')) as Hex
    const dropped = (await invoke(methods, 'eth_newBlockFilter')) as Hex
    clock += 4 * 60_000
    await invoke(methods, 'eth_getFilterChanges', [kept])
    clock += 2 * 60_000 // `dropped` is now 6 minutes old, `kept` 2 minutes since its poll
    expect(await invoke(methods, 'eth_getFilterChanges', [kept])).toEqual([])
    expect((await rpcError(invoke(methods, 'eth_getFilterChanges', [dropped]))).shortMessage).toBe(
      'filter not found',
    )
    await invoke(methods, 'eth_uninstallFilter', [kept])
  })

  it('refuses a filter beyond maxFilters with -32005 naming the limit', async () => {
    const ids = [] as Hex[]
    for (let i = 0; i < 4; i++) ids.push((await invoke(methods, 'eth_newBlockFilter')) as Hex)
    const err = await rpcError(invoke(methods, 'eth_newBlockFilter'))
    expect(err.rpcCode).toBe(RPCErrorCode.limitExceeded)
    expect(err.shortMessage).toContain('at most 4')
    for (const id of ids) await invoke(methods, 'eth_uninstallFilter', [id])
    expect(await invoke(methods, 'eth_newBlockFilter')).toMatch(/^0x/)
  })

  it('more changes than maxChanges between polls is a -32005 error on the next poll, then the filter goes on', async () => {
    const id = (await invoke(methods, 'eth_newBlockFilter')) as Hex
    for (let i = 0; i < 4; i++) await chain.produceBlock()
    const err = await rpcError(invoke(methods, 'eth_getFilterChanges', [id]))
    expect(err.rpcCode).toBe(RPCErrorCode.limitExceeded)
    expect(err.shortMessage).toContain('dropped 1 changes')
    const next = await chain.produceBlock()
    expect(await invoke(methods, 'eth_getFilterChanges', [id])).toEqual([next.header.hash])
  })

  it('listens to blocks and the pool only while a filter of that kind exists', async () => {
    const fresh = createFilterMethods(chain)
    const blocks = chain.events.listenerCount('block')
    const txs = chain.mempool.events.listenerCount('tx')
    const a = (await invoke(fresh, 'eth_newFilter', [{}])) as Hex
    const b = (await invoke(fresh, 'eth_newPendingTransactionFilter')) as Hex
    expect(chain.events.listenerCount('block')).toBe(blocks + 1)
    expect(chain.mempool.events.listenerCount('tx')).toBe(txs + 1)
    await invoke(fresh, 'eth_uninstallFilter', [a])
    await invoke(fresh, 'eth_uninstallFilter', [b])
    expect(chain.events.listenerCount('block')).toBe(blocks)
    expect(chain.mempool.events.listenerCount('tx')).toBe(txs)
  })
})
