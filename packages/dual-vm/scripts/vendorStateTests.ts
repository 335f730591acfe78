/**
 * Regenerates the vendored Ethereum state tests (`test/fixtures/state-tests/`) from a checkout of
 * ethereum/tests: one gzipped JSON per folder of `GeneralStateTests`, keeping what a runner needs
 * (`env`, `pre`, `transaction`, `post`) and dropping the filler metadata (`_info`).
 *
 *   node --import tsx packages/dual-vm/scripts/vendorStateTests.ts <ethereum-tests-checkout> [folder…]
 *
 * Without folders it writes the selection below. Record the checkout's commit in the fixtures README.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'
import { STATE_TEST_FOLDERS } from '../test/conformance/folders.js'

function jsonFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...jsonFiles(path))
    else if (name.endsWith('.json')) out.push(path)
  }
  return out
}

function main(): void {
  const [checkout, ...folders] = process.argv.slice(2)
  if (!checkout) {
    process.stderr.write('usage: vendorStateTests.ts <ethereum-tests-checkout> [folder…]\n')
    process.exit(2)
  }
  const outDir = join(import.meta.dirname, '..', 'test', 'fixtures', 'state-tests')
  mkdirSync(outDir, { recursive: true })
  for (const folder of folders.length ? folders : STATE_TEST_FOLDERS) {
    const root = join(checkout, 'GeneralStateTests', folder)
    const tests: Record<string, unknown> = {}
    for (const file of jsonFiles(root)) {
      const content = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>
      for (const [name, test] of Object.entries(content)) {
        const { env, pre, transaction, post } = test
        tests[`${relative(root, file)}:${name}`] = { env, pre, transaction, post }
      }
    }
    const gz = gzipSync(JSON.stringify(tests), { level: 9 })
    writeFileSync(join(outDir, `${folder}.json.gz`), gz)
    process.stdout.write(`${folder}: ${Object.keys(tests).length} tests, ${gz.length} bytes\n`)
  }
}

main()
