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
  const run = async (file: string, validator?: string, validatorsHash?: string) => {
    const writes: string[] = []
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk))
      return true
    })
    try {
      const code = await proofVerifyHandler({ json: true, file, validator, validatorsHash })
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

  it('verify: a missing file and a bad --validator or --validators-hash are clear errors', async () => {
    await expect(run('/nonexistent/bundle.json')).rejects.toThrow(/does not exist/)
    await expect(run(fixture.pathname, '0x12')).rejects.toThrow(/--validator "0x12" is not an address/)
    for (const bad of ['0x12', `0x${'zz'.repeat(32)}`, 'ab'.repeat(32), `0x${'ab'.repeat(33)}`])
      await expect(run(fixture.pathname, undefined, bad)).rejects.toThrow(
        `--validators-hash "${bad}" is not a 32-byte hex hash.`,
      )
  })

  // The same message made version 2 with a real commit certificate of 3 of 4 BLS validators
  // (packages/mainnet/test/bundleCommit.ts:v2Bundle, seeds 1..4).
  const v2 = new URL('./fixtures/proof-bundle-v2.json', import.meta.url)
  const v2Set = JSON.parse(readFileSync(v2, 'utf8')).commit.validatorsHash as string

  it('verify checks the commit certificate and the validator set, trusted from the bundle or --validators-hash', async () => {
    const own = await run(v2.pathname)
    expect(own.code).toBe(0)
    expect(own.result.checks.slice(-2).map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ['validator-set', true],
      ['commit-certificate', true],
    ])
    expect(own.result.trust.validatorsHash).toBe('bundle')
    expect(own.result.validatorsHash).toBe(v2Set)
    const pinned = await run(v2.pathname, undefined, v2Set.toUpperCase().replace('0X', '0x'))
    expect(pinned.code).toBe(0)
    expect(pinned.result.trust.validatorsHash).toBe('option')
    const other = await run(v2.pathname, undefined, `0x${'11'.repeat(32)}`)
    expect(other.code).toBe(1)
    expect(other.result.failed).toBe('validator-set')
  }, 30_000)

  it('verify of a version-1 bundle warns that it has no certificate; with --validators-hash it fails', async () => {
    const { code, result } = await run(fixture.pathname)
    expect(code).toBe(0)
    expect(result.checks.at(-1)).toMatchObject({ name: 'commit-certificate', ok: true, warning: true })
    const pinned = await run(fixture.pathname, undefined, v2Set)
    expect(pinned.code).toBe(1)
    expect(pinned.result.failed).toBe('commit-certificate')
    expect(pinned.result.checks.at(-1).detail).toMatch(/^no commit certificate \(bundle v1\)/)
  }, 30_000)

  it('verify prints each check with ✓, ! (warning) or ✗ and both trust sources', async () => {
    const writes: string[] = []
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk))
      return true
    })
    try {
      await proofVerifyHandler({ json: false, file: fixture.pathname })
    } finally {
      spy.mockRestore()
    }
    const text = writes.join('')
    expect(text).toMatch(/! commit-certificate +no commit certificate \(bundle v1\)/)
    expect(text).toContain('validator set from the bundle (pin it with --validators-hash)')
    expect(text).toMatch(/checks pass \(1 with a warning: !\)/)
  }, 30_000)
})
