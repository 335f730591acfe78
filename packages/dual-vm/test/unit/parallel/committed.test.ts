import type { AccountState, StateView } from '@rollup-mesh/core'
import { ZERO_WORD } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createParallelExecutor, createSerialExecutor } from '../../../src/index.js'
import { stateRootOf } from '../../../src/state/commitment.js'
import { expectSame } from './expectSame.js'
import type { StaticState } from './fixtures/committedState.js'
import { buildBlock, type CompiledExamples, compileExamples, header, type Op, Workload } from './workload.js'

/** Records every key a block reads, with the value it saw. */
class Recording implements StateView {
  readonly data: Omit<StaticState, 'root'> = { accounts: new Map(), storage: new Map(), code: new Map() }
  constructor(private readonly base: StateView) {}
  getAccount(address: Address): AccountState | undefined {
    const account = this.base.getAccount(address)
    this.data.accounts.set(address, account ?? null)
    return account
  }
  getCode(codeHash: Hex): Uint8Array | undefined {
    const code = this.base.getCode(codeHash)
    if (code) this.data.code.set(codeHash, code)
    return code
  }
  getStorage(address: Address, slot: Hex): Hex {
    const value = this.base.getStorage(address, slot)
    this.data.storage.set(address + slot, value)
    return value
  }
}

// Workers may read committed state themselves (an SPN hands them a read-only connection to chain.db),
// but only while it is the block's pre-state: its root must match, else they ask the calling thread.
describe('ParallelExecutor with a committed-state source', () => {
  let compiled: CompiledExamples
  beforeAll(async () => {
    compiled = await compileExamples()
  })
  const executors: ReturnType<typeof createParallelExecutor>[] = []
  afterAll(() => Promise.all(executors.map((e) => e.close())))

  const run = async (tamper: boolean, exportName = 'staticCommittedState') => {
    const w = await Workload.create({ senders: 24, counters: 1, compiled })
    const ops = Array.from(
      { length: 24 },
      (_, i): Op => ({ kind: 'erc20', from: i, to: 100 + i, amount: 1n }),
    )
    const txs = buildBlock(w, ops)
    const h = header(w.number)
    const recording = new Recording(w.state)
    const expected = await createSerialExecutor().executeBlock({ header: h, txs }, recording)
    const data: StaticState = { root: stateRootOf(w.state), ...recording.data }
    if (tamper) {
      // A store one block behind: other values, and a root that says so.
      data.root = `0x${'00'.repeat(32)}`
      for (const key of data.storage.keys()) data.storage.set(key, ZERO_WORD)
    }
    const executor = createParallelExecutor({
      workers: 2,
      callerWeight: 0, // every transaction on the worker
      minParallelTxs: 1,
      committedState: {
        module: new URL('./fixtures/committedState.ts', import.meta.url).href,
        exportName,
        options: data,
      },
    })
    executors.push(executor)
    const actual = await executor.executeBlock({ header: h, txs }, w.state)
    expectSame(txs, expected, actual)
    return executor.stats
  }

  it('a cold worker reads what it lacks from the committed state, not from the calling thread', async () => {
    expect(await run(false)).toMatchObject({ mode: 'parallel', replicaReads: 0, reExecuted: 0 })
  })

  it('a committed state that cannot be opened is no failure: the worker asks the calling thread', async () => {
    const stats = await run(false, 'failingCommittedState')
    expect(stats).toMatchObject({ mode: 'parallel', reExecuted: 0 })
    expect(stats?.replicaReads).toBeGreaterThan(0)
  })

  it('a committed state at another root is not trusted: the worker asks the calling thread', async () => {
    const stats = await run(true)
    expect(stats).toMatchObject({ mode: 'parallel', reExecuted: 0 })
    expect(stats?.replicaReads).toBeGreaterThan(0)
  })
})
