import { readFileSync } from 'node:fs'
import { BaseError } from '@rollup-mesh/core'
import { describe, expect, it, vi } from 'vitest'
import { formatStage } from '../../src/cmds/bridge/follow.js'
import { parseBridgeValue } from '../../src/cmds/bridge/handler.js'
import { parseMessageRef } from '../../src/cmds/proof/find.js'
import { proofVerifyHandler } from '../../src/cmds/proof/verify.js'
import { spnIdOfName, spnOf } from '../../src/mesh/spns.js'
import type { MeshState } from '../../src/mesh/state.js'

const net = (name: string, kind: 'spn' | 'mainnet') => ({
  name,
  kind,
  chainId: 1,
  vms: ['evm'],
  rpcUrl: 'http://127.0.0.1:1',
  wsUrl: 'ws://127.0.0.1:1',
  pid: 1,
  dataDir: '/x',
  configFile: '/x/node.json',
  logFile: '/x/node.log',
})
const state: MeshState = {
  version: 1,
  dataDir: '/x',
  startedAt: '2026-01-01T00:00:00Z',
  networks: [net('mainnet', 'mainnet'), net('spn1', 'spn'), net('spn2', 'spn')],
}

const thrown = (f: () => unknown): BaseError => {
  try {
    f()
  } catch (err) {
    expect(err).toBeInstanceOf(BaseError)
    return err as BaseError
  }
  throw new Error('expected a throw')
}

describe('mesh bridge: value, networks, stages', () => {
  it('parses --value in wei or with a unit', () => {
    expect(parseBridgeValue('1ether')).toBe(10n ** 18n)
    expect(parseBridgeValue('0.5eth')).toBe(5n * 10n ** 17n)
    expect(parseBridgeValue('100gwei')).toBe(100n * 10n ** 9n)
    expect(parseBridgeValue('2.5 gwei')).toBe(2_500_000_000n)
    expect(parseBridgeValue('12345')).toBe(12345n)
    expect(parseBridgeValue('0')).toBe(0n)
    expect(parseBridgeValue('1ETH')).toBe(10n ** 18n)
    expect(parseBridgeValue('0x10')).toBe(16n)
  })

  it('rejects values that are not amounts, naming --value', () => {
    for (const bad of ['1foo', '-1', 'ether', '1.2.3', '', '1e18'])
      expect(thrown(() => parseBridgeValue(bad)).shortMessage).toContain('--value')
    // more decimals than the unit has is not silently rounded to a different amount
    expect(() => parseBridgeValue('0.0000000001gwei')).toThrow()
  })

  it('maps SPN names to their ids; the main net and unknown names are errors', () => {
    expect(spnIdOfName('spn2')).toBe(2n)
    expect(spnIdOfName('spn12')).toBe(12n)
    expect(spnOf(state, 'spn1', '--from').id).toBe(1n)
    const main = thrown(() => spnOf(state, 'mainnet', '--to'))
    expect(main.shortMessage).toBe('--to mainnet: messages go between SPNs, not to or from the main net.')
    expect(main.message).toContain('spn1, spn2')
    expect(thrown(() => spnOf(state, 'spn7', '--to')).shortMessage).toBe('Unknown network "spn7".')
    expect(thrown(() => spnIdOfName('spn0')).shortMessage).toContain('not an SPN name')
  })

  it('prints each stage with its time since send', () => {
    const line = formatStage(
      {
        stage: 'settled',
        ms: 2900,
        network: 'mainnet',
        settlementIndex: 7n,
        mainnetBlock: 40n,
        fromBlock: 1n,
        toBlock: 12n,
      },
      'spn1',
    )
    expect(line).toMatch(/^✓ settled {4}main net block 40 \(settlement #7 of spn1, blocks 1-12\) +2\.9 s$/)
    const failed = formatStage(
      {
        stage: 'failed',
        ms: 3600,
        network: 'spn2',
        txHash: `0x${'ab'.repeat(32)}`,
        block: 30n,
        to: `0x${'cd'.repeat(20)}`,
        value: 10n ** 18n,
        reason: 'Messenger: closed',
      },
      'spn1',
    )
    expect(failed).toMatch(
      /^✗ failed {5}spn2 tx 0xabababab…abab block 30 → 0xcdcdcdcd…cdcd \(1 ETH\): Messenger: closed +3\.6 s$/,
    )
  })
})

describe('mesh proof: message references and offline verification', () => {
  it('parses a tx hash or spnN:position', () => {
    const hash = `0x${'12'.repeat(32)}`
    expect(parseMessageRef(hash)).toEqual({ kind: 'tx', txHash: hash })
    expect(parseMessageRef('spn1:16')).toEqual({ kind: 'position', network: 'spn1', position: 16 })
    for (const bad of ['0x1234', 'spn1', 'spn1:-1', 'mainnet:3', 'spn1:x'])
      expect(thrown(() => parseMessageRef(bad)).shortMessage).toContain('is not a message reference')
  })

  // A bundle exported from a real mesh (spn1 → spn2, 1 ETH); verification needs no node.
  const fixture = new URL('./fixtures/proof-bundle.json', import.meta.url)
  const run = async (file: string, validator?: string) => {
    const writes: string[] = []
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk))
      return true
    })
    try {
      const code = await proofVerifyHandler({ json: true, file, validator })
      return { code, result: JSON.parse(writes.join('').trim().split('\n').at(-1) as string) }
    } finally {
      spy.mockRestore()
    }
  }

  it('verify accepts an untouched bundle: every check passes, trust from the bundle', async () => {
    const { code, result } = await run(fixture.pathname)
    expect(code).toBe(0)
    expect(result.ok).toBe(true)
    expect(result.checks.length).toBeGreaterThanOrEqual(10)
    expect(result.checks.every((c: { ok: boolean }) => c.ok)).toBe(true)
    expect(result.trust.validator).toBe('bundle')
  }, 30_000)

  it('verify rejects a tampered value (message-leaf) and a validator that did not sign', async () => {
    const bundle = JSON.parse(readFileSync(fixture, 'utf8'))
    bundle.message.value = (BigInt(bundle.message.value) + 1n).toString()
    const dir = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/bundle-`)
    const tampered = `${dir}/tampered.json`
    ;(await import('node:fs')).writeFileSync(tampered, JSON.stringify(bundle))
    const t = await run(tampered)
    expect(t.code).toBe(1)
    expect(t.result.failed).toBe('message-leaf')
    const pinned = await run(fixture.pathname, `0x${'11'.repeat(20)}`)
    expect(pinned.code).toBe(1)
    expect(pinned.result.trust.validator).toBe('option')
    expect(pinned.result.failed).toBe('mainnet-header-signature')
  }, 30_000)

  it('verify: a missing file and a bad --validator are clear errors', async () => {
    await expect(run('/nonexistent/bundle.json')).rejects.toThrow(/does not exist/)
    await expect(run(fixture.pathname, '0x12')).rejects.toThrow(/--validator "0x12" is not an address/)
  })
})
