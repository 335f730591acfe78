/**
 * The Ethereum state tests (vendored subset of ethereum/tests GeneralStateTests) on our executor, each test
 * at every fork in its `post` that ethereumjs supports, checking the post-state Merkle root and logs hash,
 * on both EVM engines (`--engine fast|ethereumjs` for one).
 *
 *   npm run test:state-tests -w @rollup-mesh/dual-vm -- [folder…] [--engine E] [--json] [--failures]
 *
 * Prints pass / fail / skip per folder and engine, and for the fast engine how many transactions it handed
 * to ethereumjs (fallback). Exit 1 when a test fails.
 */
import { parseArgs } from 'node:util'
import type { EvmEngine } from '../../src/index.js'
import { STATE_TEST_FOLDERS } from './folders.js'
import { type FolderReport, runStateFolderOn } from './stateTest.js'

const { values, positionals } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    failures: { type: 'boolean', default: false },
    engine: { type: 'string', default: 'both' },
  },
  allowPositionals: true,
})
const engines: EvmEngine[] = values.engine === 'both' ? ['ethereumjs', 'fast'] : [values.engine as EvmEngine]
const folders = positionals.length ? positionals : [...STATE_TEST_FOLDERS]
const reports: (FolderReport & { engine: EvmEngine })[] = []
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`
process.stdout.write(
  `${row(['folder', 'engine', 'pass', 'fail', 'skip', 'fast tx', 'fallback tx', 's'])}\n${row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:'])}\n`,
)
for (const folder of folders) {
  for (const engine of engines) {
    const r = await runStateFolderOn(folder, engine)
    reports.push({ ...r, engine })
    const fastCols = engine === 'fast' ? [r.fastTxs, r.fallbackTxs] : ['', '']
    process.stdout.write(
      `${row([folder, engine, r.pass, r.fail, r.skip, ...fastCols, (r.ms / 1000).toFixed(1)])}\n`,
    )
    if (values.failures) {
      for (const f of r.failures) process.stdout.write(`  ${f}\n`)
      for (const [reason, n] of Object.entries(r.fallbackReasons))
        process.stdout.write(`  fallback to ethereumjs: ${reason} (${n})\n`)
    }
  }
}
let failed = 0
for (const engine of engines) {
  const mine = reports.filter((r) => r.engine === engine)
  const total = mine.reduce(
    (t, r) => ({
      pass: t.pass + r.pass,
      fail: t.fail + r.fail,
      skip: t.skip + r.skip,
      fastTxs: t.fastTxs + r.fastTxs,
      fallbackTxs: t.fallbackTxs + r.fallbackTxs,
    }),
    { pass: 0, fail: 0, skip: 0, fastTxs: 0, fallbackTxs: 0 },
  )
  failed += total.fail
  const fastCols = engine === 'fast' ? [total.fastTxs, total.fallbackTxs] : ['', '']
  process.stdout.write(`${row([`**total**`, engine, total.pass, total.fail, total.skip, ...fastCols, ''])}\n`)
  if (values.json) process.stdout.write(`${JSON.stringify({ engine, total, folders: mine })}\n`)
}
process.exitCode = failed ? 1 : 0
