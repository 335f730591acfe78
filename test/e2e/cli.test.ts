import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))

// Spawns the real `mesh` binary the way `npx mesh` does (it runs the built CLI:
// `npm ci` builds every package in its prepare step).
async function mesh(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return meshWith({}, ...args)
}

async function meshWith(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['packages/cli/bin/mesh.js', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    })
    return { stdout, stderr, code: 0 }
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number }
    return { stdout: e.stdout, stderr: e.stderr, code: e.code }
  }
}

describe('mesh binary', () => {
  it('--help lists the commands and examples', async () => {
    const { stdout, code } = await mesh('--help')
    expect(code).toBe(0)
    expect(stdout).toContain('Usage: mesh')
    expect(stdout).toContain('doctor')
    expect(stdout).toContain('Examples:')
  })

  it('--version prints the package version', async () => {
    const { stdout } = await mesh('--version')
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it('doctor --json reports every check', async () => {
    const { stdout, code } = await mesh('doctor', '--json')
    const report = JSON.parse(stdout) as { ok: boolean; checks: { name: string; ok: boolean }[] }
    expect(report.checks.map((c) => c.name)).toContain('@rollup-mesh/spn')
    expect(code).toBe(report.ok ? 0 : 1)
  })

  it('an unknown command is a clear error with a non-zero exit and no stack trace', async () => {
    const { stderr, code } = await mesh('frobnicate')
    expect(code).not.toBe(0)
    expect(stderr).toContain("unknown command 'frobnicate'")
    expect(stderr).not.toMatch(/\n\s+at /)
  })

  it('a bad option value names the flag, the expectation and where it came from (--json: a coded error)', async () => {
    const flag = await mesh('up', '--spns', '99', '--json')
    expect(flag.code).toBe(1)
    expect(JSON.parse(flag.stdout).error).toMatchObject({ code: 'INVALID_OPTION' })
    expect(flag.stderr).toContain('--spns: expected an integer from 1 to 16, got "99" (command line)')
    const env = await meshWith({ MESH_BLOCK_TIME: 'fast' }, 'up')
    expect(env.code).toBe(1)
    expect(env.stderr).toContain(
      '--block-time: expected an integer from 10 to 60000, got "fast" (env MESH_BLOCK_TIME)',
    )
    expect(env.stderr).not.toMatch(/\n\s+at /)
  })

  it('--help shows each option with its default and MESH_* env var, and the config-file keys', async () => {
    const { stdout, code } = await mesh('up', '--help')
    expect(code).toBe(0)
    const help = stdout.replace(/\s+/g, ' ')
    expect(help).toContain('-n, --spns <n> number of SPNs (default: 2, env: MESH_SPNS)')
    expect(help).toContain('--config <file.json>')
    expect(help).toMatch(
      /Config file keys \(top level or "up": \{…\}\): spns, validators, dataDir, blockTime/,
    )
    expect(help).toContain('cross-network message')
  })
})
