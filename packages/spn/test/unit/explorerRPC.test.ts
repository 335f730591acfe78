import { type Chain, RPCError, RPCErrorCode, type RPCMethod } from '@rollup-mesh/chain'
import { describe, expect, it } from 'vitest'
import { spnRPCMethods } from '../../src/rpcMethods.js'
import type { ExitTreeMessage, SPNExitTree } from '../../src/settlement/exitTree.js'
import type { SettlementRecord, SettlementService } from '../../src/settlement/service.js'

// The two methods the explorer follows an SPN with: its sent messages and its settlements.
const ctx = {} as Parameters<RPCMethod>[1]
const message = (position: number): ExitTreeMessage => ({
  position,
  batch: position >> 4,
  leaf: 7n,
  messageIndex: BigInt(position),
  block: 3n,
  txHash: `0x${'ab'.repeat(32)}`,
  srcSpn: 1n,
  dstSpn: 2n,
  sender: `0x${'11'.repeat(20)}`,
  to: `0x${'22'.repeat(20)}`,
  value: 10n ** 18n,
  data: '0x',
})
const sent = Array.from({ length: 40 }, (_, i) => message(i))
const exitTree = {
  messages: (from = 0, to = Number.MAX_SAFE_INTEGER) =>
    sent.filter((m) => m.position >= from && m.position < to),
} as unknown as SPNExitTree
const record = (batch: number, status: 'pending' | 'accepted'): SettlementRecord => ({
  batch,
  header: {
    spnId: 1n,
    fromBlock: BigInt(batch * 10 + 1),
    toBlock: BigInt(batch * 10 + 10),
    prevStateRoot: `0x${'01'.repeat(32)}`,
    newStateRoot: `0x${'02'.repeat(32)}`,
    prevExitRoot: `0x${'03'.repeat(32)}`,
    newExitRoot: `0x${'04'.repeat(32)}`,
    startIndex: BigInt(batch * 16),
    leafCount: 2n,
  },
  headerHash: `0x${'05'.repeat(32)}`,
  status,
  txHash: status === 'accepted' ? `0x${'06'.repeat(32)}` : undefined,
})
const settlement = {
  settlements: () => [record(0, 'accepted'), record(1, 'accepted'), record(2, 'pending')],
} as unknown as SettlementService
const methods = spnRPCMethods({ chain: {} as Chain, exitTree, delivery: undefined, settlement })
const bare = spnRPCMethods({ chain: {} as Chain, exitTree: undefined, delivery: undefined })
const call = (m: typeof methods, name: string, params: unknown[]) => (m[name] as RPCMethod)(params, ctx)

describe('mesh_getMessages', () => {
  it('pages through the sent messages from a position, in tree order', () => {
    const page = call(methods, 'mesh_getMessages', [16, 8]) as { position: number; dstSpn: string }[]
    expect(page.map((m) => m.position)).toEqual([16, 17, 18, 19, 20, 21, 22, 23])
    expect(page[0]).toMatchObject({ batch: 1, dstSpn: '0x2', srcSpn: '0x1', value: '0xde0b6b3a7640000' })
    expect((call(methods, 'mesh_getMessages', ['0x24']) as unknown[]).length).toBe(4)
    expect((call(methods, 'mesh_getMessages', []) as unknown[]).length).toBe(40)
  })

  it('answers [] without an exit tree', () => {
    expect(call(bare, 'mesh_getMessages', [])).toEqual([])
  })

  it.each([[[-1]], [[0, 0]], [[0, 5000]], [[0, 1, 2]], [['x']]])('refuses %j as invalid params', (params) => {
    let err: unknown
    try {
      call(methods, 'mesh_getMessages', params)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(RPCError)
    expect((err as RPCError).rpcCode).toBe(RPCErrorCode.invalidParams)
  })
})

describe('mesh_getSettlements', () => {
  it('lists the settlements from a batch with ranges, status and main-net transaction', () => {
    const all = call(methods, 'mesh_getSettlements', []) as Record<string, unknown>[]
    expect(all.map((s) => [s.batch, s.status])).toEqual([
      [0, 'accepted'],
      [1, 'accepted'],
      [2, 'pending'],
    ])
    expect(all[1]).toMatchObject({ fromBlock: '0xb', toBlock: '0x14', startIndex: '0x10', leafCount: '0x2' })
    expect(all[2]?.transactionHash).toBeNull()
    expect((call(methods, 'mesh_getSettlements', [2]) as unknown[]).length).toBe(1)
  })

  it('answers [] on an SPN that does not settle and refuses a bad batch', () => {
    expect(call(bare, 'mesh_getSettlements', [])).toEqual([])
    expect(() => call(methods, 'mesh_getSettlements', [1.5])).toThrow(RPCError)
  })
})
