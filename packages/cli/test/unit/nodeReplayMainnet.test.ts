import '@rollup-mesh/core/polyfill'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMainnetNode } from '@rollup-mesh/mainnet'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { nodeReplayHandler } from '../../src/cmds/node/replay.js'

/** `mesh node replay --config <main-net node file>`: a replay of the main net (no longer REPLAY_UNSUPPORTED). */
describe('mesh node replay on a main-net data dir', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-replay-mainnet-'))
  /** A main-net data dir with 4+ certified blocks and its node file; `forge` deletes block 2's certificate. */
  const makeNode = async (name: string, forge: boolean) => {
    const config = {
      dataDir: join(dir, name),
      chainId: 908,
      blockTimeMs: 100,
      genesisTimestamp: 1_700_000_000,
      p2p: { enabled: false },
    }
    const node = createMainnetNode({ config })
    await node.start()
    const until = Date.now() + 60_000
    while (node.chain.head().number < 4n && Date.now() < until) await new Promise((r) => setTimeout(r, 100))
    if (forge)
      node.chain.store
        .registerExtension({ name: 'test_forge', migrations: [() => {}] })
        .prepare('DELETE FROM chain_certificates WHERE number = 2')
        .run()
    await node.stop()
    const file = join(dir, `${name}.json`)
    writeFileSync(file, JSON.stringify({ kind: 'mainnet', network: 'mainnet', vms: ['evm'], config }))
    return file
  }
  let good: string
  let forged: string

  beforeAll(async () => {
    good = await makeNode('good', false)
    forged = await makeNode('forged', true)
  }, 180_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const replay = async (file: string) => {
    const lines: string[] = []
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk))
      return true
    })
    try {
      const code = await nodeReplayHandler({ config: file, json: true })
      return { code, report: JSON.parse(lines.join('').trim().split('\n').at(-1) as string) }
    } finally {
      spy.mockRestore()
    }
  }

  it('replays every block and verifies every certificate (exit code 0); names a forged certificate (exit code 1)', async () => {
    const ok = await replay(good)
    expect(ok.code).toBe(0)
    expect(ok.report).toMatchObject({ ok: true, network: 'mainnet' })
    expect(ok.report.blocks).toBeGreaterThanOrEqual(4)
    const bad = await replay(forged)
    expect(bad.code).toBe(1)
    expect(bad.report.firstDifference).toMatchObject({ number: '2' })
    expect(bad.report.firstDifference.differences[0]).toMatchObject({ field: 'certificate', stored: 'none' })
  }, 120_000)
})
