import '@rollup-mesh/core/polyfill'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { ChainStore } from '@rollup-mesh/chain'
import { devAccounts } from '@rollup-mesh/core'
import { type Hex, parseEther } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMainnetNode, type MainnetNode, replayMainnet } from '../../src/index.js'
import { tempDir } from '../fixtures.js'

const [alice, bob] = devAccounts(2) as [
  ReturnType<typeof devAccounts>[number],
  ReturnType<typeof devAccounts>[number],
]
const CHAIN_ID = 907
const account = privateKeyToAccount(alice.privateKey)

async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** A one-validator BFT main net seals transfers into certified blocks; it is stopped and replayed. */
describe('main-net replay (`replayMainnet`, behind `mesh node replay`)', () => {
  const dir = tempDir('mainnet-replay-')
  const config = {
    dataDir: dir,
    chainId: CHAIN_ID,
    blockTimeMs: 100,
    genesisTimestamp: 1_700_000_000,
    devAccounts: 2,
    p2p: { enabled: false },
  }
  let node: MainnetNode

  beforeAll(async () => {
    node = createMainnetNode({ config })
    await node.start()
    for (let i = 0; i < 6; i++) {
      const raw = await account.signTransaction({
        chainId: CHAIN_ID,
        type: 'eip1559',
        nonce: i,
        to: bob.address as Hex,
        value: parseEther('1') + BigInt(i),
        gas: 21_000n,
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 1n,
      })
      await node.chain.mempool.add(raw as Hex)
      // spread over blocks: wait for this one to be sealed before sending the next
      await waitFor(`transfer ${i} sealed`, () => node.chain.mempool.size === 0, 60_000)
    }
    await waitFor('two blocks more', () => node.chain.head().number >= 8n, 60_000)
    await node.stop()
  }, 180_000)

  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** Edits the stored chain through a store extension's connection (the store keeps its own private). */
  const tamper = (sql: string, ...args: unknown[]) => {
    const store = new ChainStore({ path: join(dir, 'chain.db') })
    try {
      store
        .registerExtension({ name: 'test_tamper', migrations: [() => {}] })
        .prepare(sql)
        .run(...args)
    } finally {
      store.close()
    }
  }
  const certificateOf = (n: number): Buffer => {
    const store = new ChainStore({ path: join(dir, 'chain.db') })
    try {
      return store
        .registerExtension({ name: 'test_tamper', migrations: [() => {}] })
        .prepare('SELECT certificate FROM chain_certificates WHERE number = ?')
        .pluck()
        .get(n) as Buffer
    } finally {
      store.close()
    }
  }

  it('re-executes every block, every root matches and every certificate verifies', async () => {
    const report = await replayMainnet({ config })
    expect(report.firstDifference).toBeUndefined()
    expect(report.ok).toBe(true)
    expect(report.head).toBeGreaterThanOrEqual(8n)
    expect(report.blocks.length).toBe(Number(report.head))
    expect(report.txs).toBe(6)
  }, 120_000)

  it('names the first block whose stored header was edited, and the field', async () => {
    const store = new ChainStore({ path: join(dir, 'chain.db') })
    const withTx = [...Array(8).keys()].map((i) => BigInt(i + 1)).find((n) => store.getBlockTxs(n).length > 0)
    const header = withTx !== undefined ? store.getHeaderByNumber(withTx) : undefined
    store.close()
    if (!header) throw new Error('no block with a transfer')
    const forged = `0x${'cd'.repeat(32)}`
    tamper(
      "UPDATE blocks SET header = json_set(header, '$.stateRoot', ?) WHERE number = ?",
      forged,
      Number(header.number),
    )
    try {
      const report = await replayMainnet({ config })
      expect(report.ok).toBe(false)
      expect(report.firstDifference?.number).toBe(header.number)
      expect(report.firstDifference?.differences).toContainEqual({
        field: 'stateRoot',
        stored: forged,
        replayed: header.stateRoot,
      })
    } finally {
      tamper(
        "UPDATE blocks SET header = json_set(header, '$.stateRoot', ?) WHERE number = ?",
        header.stateRoot,
        Number(header.number),
      )
    }
    expect((await replayMainnet({ config })).ok).toBe(true)
  }, 120_000)

  it('names the first block whose commit certificate does not verify (a flipped signature byte, a missing one)', async () => {
    const original = certificateOf(5)
    const forged = Buffer.from(original)
    const at = forged.length - 10 // inside the aggregate signature
    forged.writeUInt8(forged.readUInt8(at) ^ 0x01, at)
    tamper('UPDATE chain_certificates SET certificate = ? WHERE number = 5', forged)
    try {
      const report = await replayMainnet({ config })
      expect(report.ok).toBe(false)
      expect(report.firstDifference?.number).toBe(5n)
      const fields = report.firstDifference?.differences.map((d) => d.field)
      expect(fields).toEqual(['certificate'])
      expect(report.firstDifference?.differences[0]?.stored).toMatch(/^CERT_|BLS|signature/i)
    } finally {
      tamper('UPDATE chain_certificates SET certificate = ? WHERE number = 5', original)
    }
    tamper('DELETE FROM chain_certificates WHERE number = 3')
    const missing = await replayMainnet({ config })
    expect(missing.firstDifference?.number).toBe(3n)
    expect(missing.firstDifference?.differences).toContainEqual(
      expect.objectContaining({ field: 'certificate', stored: 'none' }),
    )
  }, 120_000)
})
