import '@rollup-mesh/core/polyfill'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { disk } from './disk.js'

// The short version of `npm run soak -- --scenario disk`. Skips only where a tmpfs cannot be mounted (not root).
const workDir = mkdtempSync(join(tmpdir(), 'soak-disk-'))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))

describe('npm run soak, short version: disk', () => {
  it('disk: a full data dir is refused with "disk full", loses nothing acknowledged and resumes when space returns', async (ctx) => {
    const r = await disk.run({ quick: true, seed: 7, workDir, log: () => {} })
    console.log(`soak disk (quick): ${r.seconds.toFixed(1)} s: ${r.figures['time s']}`)
    if (r.figures.skipped) ctx.skip()
    expect(r.ok, `${r.failures.join('\n')}\n${JSON.stringify(r.figures)}`).toBe(true)
    expect(r.figures['acked txs lost']).toBe(0)
    expect(r.figures['refused (disk full)']).toBeGreaterThanOrEqual(6)
  }, 600_000)
})
