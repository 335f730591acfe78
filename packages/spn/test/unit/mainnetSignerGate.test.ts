import { createSilentLogger, devAccounts } from '@rollup-mesh/core'
import type { GossipMessage, SignedHeader } from '@rollup-mesh/p2p'
import type { Address } from 'viem'
import { describe, expect, it } from 'vitest'
import {
  createMainnetSignerGate,
  type MainnetValidatorSnapshot,
  UNKNOWN_SIGNER_LAG,
} from '../../src/index.js'
import { mainnetHeaderFields } from '../fixtures/mainnetHeader.js'

const [v0, v1, v2, stranger] = devAccounts(4).map((a) => a.address) as [Address, Address, Address, Address]
function header(number: bigint, signer: Address): GossipMessage {
  const h: SignedHeader = { ...mainnetHeaderFields(number), signature: `0x${'11'.repeat(65)}` }
  return { kind: 'headers', network: 'mainnet', from: 'peer', header: h, signer }
}

/** A main net whose validators and head the test moves; counts the reads. */
function fakeMainnet(initial: MainnetValidatorSnapshot) {
  const state = { snapshot: initial, reads: 0, down: false }
  return {
    state,
    fetchValidators: async () => {
      state.reads++
      if (state.down) throw new Error('connection refused')
      return { ...state.snapshot, addresses: [...state.snapshot.addresses] }
    },
  }
}

describe('SPN gate on main-net gossip: only the main net validators are followed', () => {
  it('accepts a validator, refuses a stranger once a read after its message still does not name it', async () => {
    const main = fakeMainnet({ head: 10n, epochLength: 100, addresses: [v0, v1] })
    const gate = createMainnetSignerGate({ ...main, logger: createSilentLogger(), minRefreshMs: 0 })
    expect(await gate.refresh()).toBe(true)
    expect(await gate.verdict(header(11n, v1))).toBe('accept')
    const reads = main.state.reads
    // the 999,999 header of the known gap: a stranger, far ahead
    expect(await gate.verdict(header(999_999n, stranger))).toBe('reject')
    expect(main.state.reads).toBe(reads + 1) // it asked the main net before refusing
    // a settlement signed by a stranger too
    const settlement = { ...header(0n, stranger), kind: 'settlements' } as unknown as GossipMessage
    expect(await gate.verdict(settlement)).toBe('reject')
    // other kinds are not the gate's business
    expect(await gate.verdict({ kind: 'txs', network: 'mainnet', from: 'p', tx: {} } as GossipMessage)).toBe(
      'accept',
    )
    expect(gate.signers().map((a) => a.toLowerCase())).toEqual([v0, v1].map((a) => a.toLowerCase()))
  })

  it('follows a validator-set change: a validator governance added is read and accepted', async () => {
    const main = fakeMainnet({ head: 10n, epochLength: 4, addresses: [v0, v1] })
    const gate = createMainnetSignerGate({ ...main, logger: createSilentLogger(), minRefreshMs: 0 })
    await gate.refresh()
    expect(await gate.verdict(header(20n, v2))).toBe('reject')
    // governance adds v2 (scheduled, so the read of the next epochs names it)
    main.state.snapshot = { head: 30n, epochLength: 4, addresses: [v0, v1, v2] }
    expect(await gate.verdict(header(31n, v2))).toBe('accept')
    // v0 is removed: its last headers still count (the previous read), then it is refused
    main.state.snapshot = { head: 40n, epochLength: 4, addresses: [v1, v2] }
    await gate.refresh()
    expect(await gate.verdict(header(40n, v0))).toBe('accept')
    main.state.snapshot = { head: 50n, epochLength: 4, addresses: [v1, v2] }
    await gate.refresh()
    expect(await gate.verdict(header(45n, v0))).toBe('reject')
  })

  it('a known validator past the next epoch boundary triggers a read in the background', async () => {
    const main = fakeMainnet({ head: 10n, epochLength: 4, addresses: [v0] })
    const gate = createMainnetSignerGate({ ...main, logger: createSilentLogger(), minRefreshMs: 0 })
    await gate.refresh()
    expect(await gate.verdict(header(12n, v0))).toBe('accept')
    expect(main.state.reads).toBe(1)
    main.state.snapshot = { head: 14n, epochLength: 4, addresses: [v0, v1] }
    expect(await gate.verdict(header(14n, v0))).toBe('accept')
    await new Promise((r) => setTimeout(r, 0))
    expect(main.state.reads).toBe(2)
    expect(gate.signers()).toContain(v1)
  })

  it('while the main net cannot be read, strangers are ignored (never accepted, no penalty)', async () => {
    const main = fakeMainnet({ head: 10n, epochLength: 100, addresses: [v0] })
    main.state.down = true
    const gate = createMainnetSignerGate({ ...main, logger: createSilentLogger(), minRefreshMs: 0 })
    expect(await gate.refresh()).toBe(false)
    expect(await gate.verdict(header(11n, v0))).toBe('ignore')
    main.state.down = false
    expect(await gate.verdict(header(12n, v0))).toBe('accept')
    main.state.down = true
    expect(await gate.verdict(header(12n, stranger))).toBe('ignore')
  })

  it('a stranger just past the head of the read is ignored (the RPC node may lag a new validator)', async () => {
    const main = fakeMainnet({ head: 10n, epochLength: 100, addresses: [v0] })
    const gate = createMainnetSignerGate({ ...main, logger: createSilentLogger(), minRefreshMs: 0 })
    await gate.refresh()
    expect(await gate.verdict(header(10n + BigInt(UNKNOWN_SIGNER_LAG), stranger))).toBe('ignore')
    expect(await gate.verdict(header(11n + BigInt(UNKNOWN_SIGNER_LAG), stranger))).toBe('reject')
    expect(await gate.verdict(header(10n, stranger))).toBe('reject')
  })

  it('a flood of strangers costs one read per interval, however many messages', async () => {
    let clock = 0
    const main = fakeMainnet({ head: 10n, epochLength: 100, addresses: [v0] })
    const gate = createMainnetSignerGate({
      ...main,
      logger: createSilentLogger(),
      minRefreshMs: 50,
      now: () => clock,
    })
    await gate.refresh()
    clock = 10
    const verdicts = Array.from({ length: 200 }, (_, i) => gate.verdict(header(20n + BigInt(i), stranger)))
    clock = 100
    expect(new Set(await Promise.all(verdicts))).toEqual(new Set(['reject']))
    expect(main.state.reads).toBe(2)
  })
})
