#!/usr/bin/env node
// The `mesh` binary. Built output is used when present (after `npm ci`, whose
// prepare step builds every package); from a bare checkout run `npm run build`.
import '@rollup-mesh/core/polyfill'
import { existsSync } from 'node:fs'

const entry = new URL('../dist/main.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('mesh: the CLI is not built yet. Run `npm run build` at the repository root.\n')
  process.exit(1)
}
const { main } = await import(entry.href)
// Exit now: idle keep-alive sockets (viem's fetch) would hold the process for seconds after the work is done.
process.exit(await main(process.argv))
