/**
 * `npm run soak -- [--scenario rpc-abuse,crash] [--quick] [--seed N] [--validators N] [--json]`: the fault and abuse suite
 * (issue [reliability]). Each scenario is bounded (a count of requests or faults) and stops by itself; the
 * runner prints a table, and with `--json` one object on the last line. Exit code 1 when a scenario failed.
 */
import '@rollup-mesh/core/polyfill'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Scenario, ScenarioResult } from './scenario.js'
import { scenarios } from './scenarios.js'

export async function runSoak(argv: string[]): Promise<{ code: number; results: ScenarioResult[] }> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', default: Object.keys(scenarios).join(',') },
      quick: { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      dev: { type: 'boolean', default: false },
      validators: { type: 'string', default: '1' },
    },
  })
  const names = (values.scenario as string)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const unknown = names.filter((n) => !(n in scenarios))
  if (unknown.length) {
    process.stderr.write(
      `unknown scenario ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}\n`,
    )
    return { code: 2, results: [] }
  }
  const workDir = mkdtempSync(join(tmpdir(), 'mesh-soak-'))
  const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`)
  const results: ScenarioResult[] = []
  try {
    for (const name of names) {
      const scenario = scenarios[name] as Scenario
      log(`${name}: ${scenario.describe}`)
      results.push(
        await scenario.run({
          quick: values.quick === true,
          seed: Number(values.seed),
          workDir,
          log,
          dev: values.dev === true,
          validators: Number(values.validators),
        }),
      )
    }
  } finally {
    if (values.keep) log(`work dir kept: ${workDir}`)
    else rmSync(workDir, { recursive: true, force: true })
  }
  const out = process.stdout
  for (const r of results) {
    out.write(`\n${r.scenario}: ${r.ok ? 'PASS' : 'FAIL'} in ${r.seconds.toFixed(0)} s\n`)
    const width = Math.max(...Object.keys(r.figures).map((k) => k.length), 8)
    for (const [k, v] of Object.entries(r.figures)) out.write(`  ${k.padEnd(width)}  ${v}\n`)
    for (const f of r.failures) out.write(`  ✗ ${f}\n`)
  }
  const ok = results.every((r) => r.ok)
  out.write(`\n${ok ? 'every scenario held' : 'some scenarios failed'}\n`)
  if (values.json) out.write(`${JSON.stringify({ ok, results })}\n`)
  return { code: ok ? 0 : 1, results }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() as string)) {
  runSoak(process.argv.slice(2)).then(
    ({ code }) => process.exit(code),
    (err) => {
      process.stderr.write(`${(err as Error).stack}\n`)
      process.exit(1)
    },
  )
}
