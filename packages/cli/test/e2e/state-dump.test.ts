import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { devAccounts } from '@rollup-mesh/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, killPid, lastJson, mesh } from './helpers.js'
import { poll, rpc } from './validatorCluster.js'

const ALICE = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
const TARGET = '0x1000000000000000000000000000000000000001'
/** A register contract's runtime (returns slot 0; stores CALLVALUE there when not zero). */
const RUNTIME = '0x5f545f523415600c57345f555b60205ff3'

type Net = { name: string; rpcUrl: string; pid: number }

// One SPN without the main net, twice: state set up, dumped by `mesh down`, loaded by a new mesh.
describe('mesh up --dump-state / --load-state', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-state-dump-'))
  const file = join(dir, 'state.json')
  const pids = new Set<number>()
  const up = async (dataDir: string, extra: string[]) => {
    const r = await mesh(
      ['up', '--detach', '--json', '--no-mainnet', '--spns', '1', '--data-dir', dataDir, ...extra],
      { timeoutMs: 120_000 },
    )
    expect(r.code, r.stderr).toBe(0)
    const state = lastJson(r.stdout) as { networks: Net[] }
    for (const n of state.networks) pids.add(n.pid)
    return state.networks.find((n) => n.name === 'spn1') as Net
  }

  beforeAll(ensureBuilt, 120_000)
  afterAll(() => {
    for (const pid of pids) killPid(pid)
    rmSync(dir, { recursive: true, force: true })
  })

  it('a contract, its storage and balances survive into a new mesh', async () => {
    const first = await up(join(dir, 'a'), ['--dump-state', file])
    await rpc(first.rpcUrl, 'anvil_setCode', [TARGET, RUNTIME])
    await rpc(first.rpcUrl, 'anvil_setStorageAt', [TARGET, '0x0', `0x${'00'.repeat(31)}2a`])
    await rpc(first.rpcUrl, 'anvil_setBalance', [TARGET, '0x1234'])
    // a transaction, so a dev account's nonce and balance move too
    const { privateKeyToAccount } = await import('viem/accounts')
    const signed = await privateKeyToAccount(devAccounts(1)[0]?.privateKey as `0x${string}`).signTransaction({
      chainId: Number(await rpc(first.rpcUrl, 'eth_chainId')),
      type: 'eip1559',
      nonce: 0,
      to: TARGET,
      value: 7n,
      gas: 60_000n,
      maxFeePerGas: 10n ** 11n,
      maxPriorityFeePerGas: 1n,
    })
    const hash = await rpc(first.rpcUrl, 'eth_sendRawTransaction', [signed])
    const receipt = await poll(
      `the receipt of ${hash}`,
      async () =>
        (await rpc<{ status: string } | null>(first.rpcUrl, 'eth_getTransactionReceipt', [hash])) ??
        undefined,
      60_000,
    )
    expect({ hash, receipt: receipt.status }).toEqual({ hash, receipt: '0x1' })
    expect(await rpc(first.rpcUrl, 'eth_getStorageAt', [TARGET, '0x0', 'latest'])).toBe(
      `0x${'00'.repeat(31)}07`,
    )
    const aliceBalance = await rpc(first.rpcUrl, 'eth_getBalance', [ALICE, 'latest'])
    const down = await mesh(['down', '--data-dir', join(dir, 'a')])
    expect(down.code, down.stderr).toBe(0)
    expect(down.stdout).toContain(`written to ${file}`)
    expect(existsSync(file)).toBe(true)
    expect(JSON.parse(readFileSync(file, 'utf8')).networks.spn1.accounts).toBeTypeOf('object')

    const second = await up(join(dir, 'b'), ['--load-state', file])
    expect(await rpc(second.rpcUrl, 'eth_getCode', [TARGET, 'latest'])).toBe(RUNTIME)
    expect(await rpc(second.rpcUrl, 'eth_getStorageAt', [TARGET, '0x0', 'latest'])).toBe(
      `0x${'00'.repeat(31)}07`,
    )
    expect(await rpc(second.rpcUrl, 'eth_getBalance', [TARGET, 'latest'])).toBe('0x123b')
    expect(await rpc(second.rpcUrl, 'eth_getBalance', [ALICE, 'latest'])).toBe(aliceBalance)
    expect(await rpc(second.rpcUrl, 'eth_getTransactionCount', [ALICE, 'latest'])).toBe('0x1')
    expect((await mesh(['down', '--data-dir', join(dir, 'b')])).code).toBe(0)
    // resuming a data dir with --load-state is refused, naming the fix
    const again = await mesh([
      'up',
      '--detach',
      '--no-mainnet',
      '--spns',
      '1',
      '--data-dir',
      join(dir, 'b'),
      '--load-state',
      file,
    ])
    expect(again.code).not.toBe(0)
    expect(again.stderr).toContain('--fresh')
  }, 240_000)
})
