/**
 * Exports the proof bundle of a cross-SPN message from the running mesh (the source SPN's inclusion path,
 * the main-net block that accepted its settlement) and verifies it offline, printing each check.
 *
 *   npx tsx --conditions source examples/scripts/verify-bundle.ts <exit position> [--network spn1] [--out bundle.json]
 */
import { writeFileSync } from 'node:fs'
import { exportProofBundle, verifyProofBundle } from '@rollup-mesh/mainnet'
import { cliArgs, connect } from './mesh.js'

const { values, positionals } = cliArgs()
const position = Number(positionals[0])
if (!Number.isInteger(position) || position < 0)
  throw new Error('usage: verify-bundle.ts <exit position> [--network spn1] [--out bundle.json]')
const source = await connect(values.network)
const mainnet = await connect('mainnet')
const bundle = await exportProofBundle({ spn: source.publicClient, mainnet: mainnet.publicClient, position })
if (values.out) writeFileSync(values.out, `${JSON.stringify(bundle, null, 2)}\n`)

// Offline from here: only the bundle (and zk-bridge's verifying key) is needed.
const started = performance.now()
const result = await verifyProofBundle(JSON.parse(JSON.stringify(bundle)))
for (const c of result.checks) console.log(`${c.ok ? '✓' : '✗'} ${c.name.padEnd(26)} ${c.detail}`)
console.log(
  `${result.ok ? 'valid' : `invalid (${result.failed})`} in ${(performance.now() - started).toFixed(0)} ms`,
)
console.log(JSON.stringify({ ok: result.ok, failed: result.failed ?? null, checks: result.checks.length }))
process.exit(result.ok ? 0 : 1)
