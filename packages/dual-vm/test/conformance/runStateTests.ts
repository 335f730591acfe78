/**
 * The Ethereum state tests (vendored subset of ethereum/tests GeneralStateTests) on our executor, each test
 * at every fork in its `post` that ethereumjs supports, checking the post-state Merkle root and logs hash.
 *
 *   npm run test:state-tests -w @rollup-mesh/dual-vm -- [folder…] [--json] [--failures]
 *
 * Prints pass / fail / skip per folder. Exit 1 when a test fails.
 */
import { parseArgs } from 'node:util'
import { createSerialExecutor } from '../../src/index.js'
import { STATE_TEST_FOLDERS } from './folders.js'
import { type FolderReport, runStateFolder } from './stateTest.js'

const { values, positionals } = parseArgs({
  options: { json: { type: 'boolean', default: false }, failures: { type: 'boolean', default: false } },
  allowPositionals: true,
})
const folders = positionals.length ? positionals : [...STATE_TEST_FOLDERS]
const reports: FolderReport[] = []
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`
process.stdout.write(
  `${row(['folder', 'pass', 'fail', 'skip', 's'])}\n${row(['---', '---:', '---:', '---:', '---:'])}\n`,
)
for (const folder of folders) {
  const r = await runStateFolder(folder, (fork) => createSerialExecutor({ hardfork: fork, yieldEveryMs: 0 }))
  reports.push(r)
  process.stdout.write(`${row([folder, r.pass, r.fail, r.skip, (r.ms / 1000).toFixed(1)])}\n`)
  if (values.failures) for (const f of r.failures) process.stdout.write(`  ${f}\n`)
}
const total = reports.reduce(
  (t, r) => ({ pass: t.pass + r.pass, fail: t.fail + r.fail, skip: t.skip + r.skip }),
  {
    pass: 0,
    fail: 0,
    skip: 0,
  },
)
process.stdout.write(`${row(['**total**', total.pass, total.fail, total.skip, ''])}\n`)
if (values.json)
  process.stdout.write(`${JSON.stringify({ engine: 'ethereumjs', total, folders: reports })}\n`)
process.exitCode = total.fail ? 1 : 0
