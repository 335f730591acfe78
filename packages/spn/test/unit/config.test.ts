import { InvalidConfigError } from '@rollup-mesh/core'
import { describe, expect, it } from 'vitest'
import { parseSPNConfig, spnGenesisAlloc } from '../../src/index.js'

describe('SPN config', () => {
  it('fills defaults in one place', () => {
    const c = parseSPNConfig({ chainId: 7, dataDir: '/tmp/x' })
    expect(c).toMatchObject({
      spnId: 'spn1',
      blockTimeMs: 500,
      blockGasLimit: 1_000_000_000n,
      devAccounts: 10,
      executor: 'serial',
      // block N commits on the writer thread while N+1 executes (session 13's measured default)
      commit: 'writer',
      decodeWorkers: 1,
      rpc: { host: '127.0.0.1', port: 0, maxBatchSize: 2_000 },
      mempool: { maxSize: 50_000, maxNonceGap: 64 },
    })
  })

  it('names every bad field', () => {
    let err: unknown
    try {
      parseSPNConfig({ chainId: -1, rpc: { port: 70_000 }, extra: true })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(InvalidConfigError)
    const paths = (err as InvalidConfigError).issues.map((i) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['chainId', 'dataDir', 'rpc.port']))
  })

  it('evm and verifyEvm: an engine name and a fraction; a bad value names the field', () => {
    expect(parseSPNConfig({ chainId: 7, dataDir: '/tmp/x' })).toMatchObject({ verifyEvm: 0 })
    expect(
      parseSPNConfig({ chainId: 7, dataDir: '/tmp/x', evm: 'ethereumjs', verifyEvm: 0.1 }),
    ).toMatchObject({
      evm: 'ethereumjs',
      verifyEvm: 0.1,
    })
    let err: unknown
    try {
      parseSPNConfig({ chainId: 7, dataDir: '/tmp/x', evm: 'revm', verifyEvm: 2 })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(InvalidConfigError)
    const issues = (err as InvalidConfigError).issues
    expect(issues.map((i) => i.path)).toEqual(['evm', 'verifyEvm'])
    expect(issues[0]?.message).toMatch(/fast|ethereumjs/)
  })

  it('funds anvil’s dev accounts plus the configured alloc at genesis', () => {
    const c = parseSPNConfig({
      chainId: 7,
      dataDir: '/tmp/x',
      devAccounts: 2,
      alloc: { '0x00000000000000000000000000000000000000aa': { balance: '0x10', code: '0x6000' } },
    })
    const alloc = spnGenesisAlloc(c)
    expect(Object.keys(alloc)).toEqual([
      '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266',
      '0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
      '0x0000000000000000000000000000000000002001', // the Mailbox system contract (spnId 'spn1' → 1)
      '0x00000000000000000000000000000000000000aa',
    ])
    expect(alloc['0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266']?.balance).toBe(10_000n * 10n ** 18n)
    expect(alloc['0x00000000000000000000000000000000000000aa']).toEqual({ balance: 16n, code: '0x6000' })
  })
})
