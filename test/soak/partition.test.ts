import '@rollup-mesh/core/polyfill'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { partition, quickLivenessAsserted } from './partition.js'

// The short version of `npm run soak -- --scenario partition`: 4 validators in network namespaces, cut 2|2
// and 1|3 for 5 s each under traffic, then healed. Skips only where namespaces cannot be made (not root).
// Safety: no fork, nothing proposed after a cut finalized by a minority, no finalized hash replaced, no
// transfer twice, exact balances. Liveness (on unless MESH_SOAK_LIVENESS=0, test/soak/README.md): the three
// of the 1|3 cut finalize 3 blocks, every validator passes the highest head + 2 within a bound after each
// heal (60 s, or 10 blocks at the pace measured before the cut if longer), every acknowledged transfer is
// included.
const workDir = mkdtempSync(join(tmpdir(), 'soak-partition-'))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))

describe('npm run soak, short version: partition', () => {
  it('partition: 2|2 and 1|3 cuts under traffic, healed: no fork, no minority block after the cut, majority finalizes, progress resumes, nothing doubled', async (ctx) => {
    const r = await partition.run({ quick: true, seed: 7, workDir, log: () => {} })
    const f = r.figures
    console.log(
      `soak partition (quick): ${r.seconds.toFixed(1)} s: ${f['time s']}; 1|3 majority +${f['0|1+2+3 majority blocks']}, resumed after 2|2 ${f['0+1|2+3 resumed after s']} s, after 1|3 ${f['0|1+2+3 resumed after s']} s; pace ${f['0+1|2+3 pace before cut s']}/${f['0|1+2+3 pace before cut s']} s a block`,
    )
    if (r.figures.skipped) ctx.skip()
    expect(r.ok, `${r.failures.join('\n')}\n${JSON.stringify(r.figures)}`).toBe(true)
    // the 2|2 cut happened and no side had a majority
    expect(r.figures['0+1|2+3 minority blocks past reported head']).toBeTypeOf('number')
    expect(r.figures['0+1|2+3 majority blocks']).toBe('none (no side > 2/3)')
    expect(r.figures['txs acknowledged']).toBeGreaterThan(0)
    expect(r.figures['txs in two blocks']).toBe(0)
    expect(r.figures['wrong balances']).toBe(0)
    expect(r.figures['heights agreed']).toBeGreaterThan(0)
    if (quickLivenessAsserted()) {
      expect(r.figures.liveness).toBe('held')
      // the majority side of the 1|3 cut kept finalizing, and both heals resumed within their bound
      expect(r.figures['0|1+2+3 majority blocks']).toBeGreaterThanOrEqual(3)
      expect(Number(r.figures['0+1|2+3 resumed after s'])).toBeGreaterThanOrEqual(0)
      expect(Number(r.figures['0|1+2+3 resumed after s'])).toBeGreaterThanOrEqual(0)
      expect(r.figures['acked txs lost']).toBe(0)
    }
  }, 900_000)
})
