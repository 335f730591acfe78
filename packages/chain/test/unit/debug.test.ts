import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
// The real executor and tracer: chain's tests may use dual-vm (chain's src never imports it).
import { createSerialExecutor, createTracingVM, genesisWriteSet, simulateCall } from '@rollup-mesh/dual-vm'
import { type Address, parseEther } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blockContextOf } from '../../src/blockContext.js'
import { Chain } from '../../src/chain.js'
import { RPCError } from '../../src/errors.js'
import { createAccessListMethods } from '../../src/rpc/accessList.js'
import { createDebugMethods } from '../../src/rpc/debug.js'
import type { RPCMethods } from '../../src/rpc/server.js'
import { ChainStore } from '../../src/store.js'
import { CHAIN_ID, keys } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'chain-debug-'))
const alice = keys[0]?.address.toLowerCase() as Address
const bob = keys[1]?.address.toLowerCase() as Address
let chain: Chain
let methods: RPCMethods

beforeAll(async () => {
  const store = new ChainStore({ path: join(dir, 'chain.db') })
  chain = new Chain(
    { chainId: CHAIN_ID, blockGasLimit: 30_000_000n },
    { store, executor: createSerialExecutor(), simulateCall: (p) => simulateCall(p) },
  )
  const { writeSet, stateRoot } = genesisWriteSet({ [alice]: { balance: parseEther('100') } })
  await chain.open({ writeSet, stateRoot, timestamp: 1_700_000_000n })
  await chain.produceBlock()
  await chain.produceBlock()
  const tracer = createTracingVM({})
  methods = { ...createDebugMethods(chain, tracer), ...createAccessListMethods(chain, tracer) }
})

afterAll(async () => {
  chain.store.close()
  rmSync(dir, { recursive: true, force: true })
})

const run = async (method: string, params: unknown[]): Promise<unknown> => {
  const m = methods[method]
  if (!m) throw new RPCError(-32601, `no ${method}`)
  return m(params, {})
}

async function rpcError(method: string, params: unknown[]): Promise<RPCError> {
  const error = await run(method, params).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(RPCError)
  return error as RPCError
}

describe('debug_ methods over the tracer', () => {
  it('replays a block in the context it was sealed in', () => {
    const head = chain.head()
    expect(blockContextOf(chain, head)).toEqual(chain.callContext())
    expect(blockContextOf(chain, head).recentHashes).toEqual(chain.store.getHashes(0n, head.number - 1n))
  })

  it('debug_traceCall runs a call at a block and returns the tracer’s result', async () => {
    const frame = await run('debug_traceCall', [
      { from: alice, to: bob, value: '0x10' },
      'latest',
      { tracer: 'callTracer' },
    ])
    expect(frame).toMatchObject({ type: 'CALL', from: alice, to: bob, value: '0x10', gasUsed: '0x5208' })
    const steps = await run('debug_traceCall', [{ from: alice, to: bob }, 'latest'])
    expect(steps).toEqual({ gas: 21_000, failed: false, returnValue: '0x', structLogs: [] })
  })

  it('refuses an unknown tracer (-32602, naming the supported ones) and a bad option', async () => {
    const unknown = await rpcError('debug_traceCall', [{ to: bob }, 'latest', { tracer: 'flatCallTracer' }])
    expect(unknown.rpcCode).toBe(-32602)
    expect(unknown.shortMessage).toMatch(/"flatCallTracer" is not supported.*callTracer, prestateTracer/)
    const bad = await rpcError('debug_traceCall', [{ to: bob }, 'latest', { disableStack: 'yes' }])
    expect(bad.rpcCode).toBe(-32602)
    expect(bad.shortMessage).toMatch(/"disableStack" must be a boolean/)
    // a call the sender cannot pay for cannot run: -32000 with the reason
    const poor = await rpcError('debug_traceCall', [{ from: bob, to: alice, value: '0x1' }, 'latest'])
    expect(poor.rpcCode).toBe(-32000)
    expect(poor.shortMessage).toMatch(/insufficient funds/)
  })

  it('answers for transactions and blocks it does not have, and an empty block is an empty list', async () => {
    const missing = await rpcError('debug_traceTransaction', [`0x${'ab'.repeat(32)}`])
    expect(missing.shortMessage).toMatch(/transaction 0xabab.* not found/)
    expect((await rpcError('debug_traceBlockByNumber', ['0x99'])).shortMessage).toMatch(/block not found/)
    expect((await rpcError('debug_traceBlockByNumber', ['0x0'])).shortMessage).toMatch(/genesis/)
    expect(await run('debug_traceBlockByNumber', ['0x1', { tracer: 'callTracer' }])).toEqual([])
    expect(await run('debug_traceBlockByHash', [chain.head().hash])).toEqual([])
  })
})

describe('eth_createAccessList', () => {
  it('returns geth’s shape with gasUsed as a quantity, and checks the access list it is given', async () => {
    expect(await run('eth_createAccessList', [{ from: alice, to: bob }])).toEqual({
      accessList: [],
      gasUsed: '0x5208',
    })
    const given = await run('eth_createAccessList', [
      { from: alice, to: bob, accessList: [{ address: bob, storageKeys: [`0x${'00'.repeat(32)}`] }] },
      'latest',
    ])
    // a given entry stays, and its intrinsic cost counts (2,400 + 1,900)
    expect(given).toEqual({
      accessList: [{ address: bob, storageKeys: [`0x${'00'.repeat(32)}`] }],
      gasUsed: `0x${(21_000 + 2_400 + 1_900).toString(16)}`,
    })
    const bad = await rpcError('eth_createAccessList', [{ to: bob, accessList: [{ address: 'nope' }] }])
    expect(bad.rpcCode).toBe(-32602)
    expect(bad.shortMessage).toMatch(/field "accessList"/)
  })
})
