import '@rollup-mesh/core/polyfill'
import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { ChainDbCorruptError, createSPNNode } from '@rollup-mesh/spn'
import { afterAll, describe, expect, it } from 'vitest'
import { doctorHandler } from '../../src/cmds/doctor/handler.js'

const dir = mkdtempSync(join(tmpdir(), 'mesh-doctor-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const capture = () => {
  let text = ''
  const out = new Writable({
    write(chunk, _enc, cb) {
      text += chunk
      cb()
    },
  })
  return { out, text: () => text }
}

describe('mesh doctor checks the chain.db files of a mesh', () => {
  it('a node refuses a truncated chain.db at start, and doctor names it and says what to do', async () => {
    const config = (name: string) => ({
      spnId: name,
      chainId: name === 'spn1' ? 9301 : 9302,
      dataDir: join(dir, name),
      devAccounts: 2,
      blockTimeMs: 60_000,
      logLevel: 'silent' as const,
      decodeWorkers: 0,
    })
    for (const name of ['spn1', 'spn2']) {
      const node = createSPNNode({ config: config(name) })
      await node.start()
      for (let i = 0; i < 3; i++) await node.chain.produceBlock()
      await node.stop()
    }
    const healthy = capture()
    expect(await doctorHandler({ json: true, dataDir: dir } as never, healthy.out)).toBeTypeOf('number')
    const before = JSON.parse(healthy.text()) as { checks: { name: string; ok: boolean }[] }
    expect(before.checks.filter((c) => c.name.endsWith('chain.db'))).toEqual([
      expect.objectContaining({ name: 'spn1 chain.db', ok: true }),
      expect.objectContaining({ name: 'spn2 chain.db', ok: true }),
    ])
    const path = join(dir, 'spn2', 'chain.db')
    truncateSync(path, Math.floor(statSync(path).size / 2))
    let refused: unknown
    try {
      await createSPNNode({ config: config('spn2') }).start()
    } catch (err) {
      refused = err
    }
    expect(refused).toBeInstanceOf(ChainDbCorruptError)
    expect((refused as ChainDbCorruptError).code).toBe('CHAIN_DB_CORRUPT')
    const after = capture()
    expect(await doctorHandler({ json: false, dataDir: dir } as never, after.out)).toBe(1)
    expect(after.text()).toMatch(/✓ spn1 chain\.db/)
    expect(after.text()).toMatch(/✗ spn2 chain\.db\s+truncated: .*restore it .* or move it away/)
  }, 120_000)
})
