import '@rollup-mesh/core/polyfill'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { partition } from './partition.js'

// The short version of `npm run soak -- --scenario partition`: 4 validators in network namespaces, cut 2|2
// and 1|3 for 8 s each under traffic, then healed. Skips only where namespaces cannot be made (not root).
const workDir = mkdtempSync(join(tmpdir(), 'soak-partition-'))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))

describe('npm run soak, short version: partition', () => {
  it('partition: 2|2 finalizes nothing, 1|3 keeps finalizing on the 3, both heal with no fork and nothing acknowledged lost', async (ctx) => {
    const r = await partition.run({ quick: true, seed: 7, workDir, log: () => {} })
    if (r.figures.skipped) ctx.skip()
    expect(r.ok, `${r.failures.join('\n')}\n${JSON.stringify(r.figures)}`).toBe(true)
    expect(r.figures['acked txs lost']).toBe(0)
    expect(r.figures['txs acknowledged']).toBeGreaterThan(0)
    expect(r.figures['0+1|2+3 majority blocks']).toBe('none (no side > 2/3)')
    expect(r.figures['0|1+2+3 majority blocks']).toBeGreaterThanOrEqual(3)
    expect(r.figures['heights agreed']).toBeGreaterThan(0)
  }, 900_000)
})
