import '@rollup-mesh/core/polyfill'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { crash } from './crash.js'
import { rpcAbuse } from './rpcAbuse.js'
import type { ScenarioResult } from './scenario.js'

// The short versions of `npm run soak` (its `--quick` size): 600 hostile requests, 2 kills. Each scenario
// starts and stops its own processes by pid, and prints where its time went (figure `time s`).
const workDir = mkdtempSync(join(tmpdir(), 'soak-test-'))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))
const log = () => {}
const explain = (r: ScenarioResult) => `${r.failures.join('\n')}\n${JSON.stringify(r.figures)}`
const timed = (r: ScenarioResult) => {
  console.log(`soak ${r.scenario} (quick): ${r.seconds.toFixed(1)} s: ${r.figures['time s']}`)
  return r
}

describe('npm run soak, short versions', () => {
  it('rpc-abuse: every hostile request gets a JSON-RPC error or a 4xx, valid transfers keep flowing (the timing figures: npm run soak)', async () => {
    const r = timed(await rpcAbuse.run({ quick: true, seed: 7, workDir, log }))
    expect(r.figures.requests).toBe(600)
    expect(r.figures['acked txs lost']).toBe(0)
    expect(r.ok, explain(r)).toBe(true)
  }, 600_000)

  it('crash: SPNs killed under traffic lose and double nothing acknowledged, and replay matches', async () => {
    const r = timed(await crash.run({ quick: true, seed: 7, workDir, log }))
    expect(r.figures['acked txs lost']).toBe(0)
    expect(r.ok, explain(r)).toBe(true)
  }, 1_200_000)
})
