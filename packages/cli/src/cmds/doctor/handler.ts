import { createRequire } from 'node:module'
import { chainDbChecks } from './chainDbChecks.js'
import type { DoctorOptions } from './options.js'

export type Check = { name: string; ok: boolean; detail: string }

const MIN_NODE = [20, 19] as const

/** Checks what this machine needs to run a mesh; every line is measured, none assumed. */
export async function runChecks(): Promise<Check[]> {
  const checks: Check[] = []
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
  checks.push({
    name: 'node',
    ok: major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]),
    detail: `v${process.versions.node} (need >= ${MIN_NODE.join('.')})`,
  })
  checks.push({
    name: 'Promise.withResolvers',
    ok: typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers === 'function',
    detail: 'needed by libp2p 3; polyfilled by @rollup-mesh/core/polyfill on Node 20',
  })
  const require = createRequire(import.meta.url)
  for (const pkg of [
    '@rollup-mesh/dual-vm',
    '@rollup-mesh/p2p',
    '@rollup-mesh/zk-bridge',
    '@rollup-mesh/tee-attest',
    '@rollup-mesh/spn',
    '@rollup-mesh/mainnet',
  ]) {
    try {
      await import(pkg)
      checks.push({ name: pkg, ok: true, detail: 'loads' })
    } catch (err) {
      checks.push({ name: pkg, ok: false, detail: `does not load: ${(err as Error).message.split('\n')[0]}` })
    }
  }
  try {
    require.resolve('better-sqlite3')
    checks.push({ name: 'better-sqlite3', ok: true, detail: 'installed (native addon)' })
  } catch {
    checks.push({
      name: 'better-sqlite3',
      ok: false,
      detail: 'missing: run `npm ci` (needs a C++ toolchain)',
    })
  }
  return checks
}

export async function doctorHandler(
  options: DoctorOptions,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const checks = [...(await runChecks()), ...(await chainDbChecks(options.dataDir))]
  const ok = checks.every((c) => c.ok)
  if (options.json) {
    out.write(`${JSON.stringify({ ok, checks })}\n`)
  } else {
    const width = Math.max(...checks.map((c) => c.name.length))
    for (const c of checks) out.write(`${c.ok ? '✓' : '✗'} ${c.name.padEnd(width)}  ${c.detail}\n`)
    out.write(ok ? '\nAll checks passed.\n' : '\nSome checks failed; fix the lines marked ✗.\n')
  }
  return ok ? 0 : 1
}
