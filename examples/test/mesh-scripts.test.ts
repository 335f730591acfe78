import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))
const tsx = ['--import', 'tsx', '--conditions', 'source']
// The built CLI when `npm ci` has built it, else the CLI from source.
const meshArgs = existsSync(join(root, 'packages/cli/dist/main.js'))
  ? ['packages/cli/bin/mesh.js']
  : [...tsx, 'packages/cli/src/bin-dev.ts']
const BOB = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'

// The viem scripts of examples/scripts against a mesh this test starts (main net and
// two SPNs, detached) and stops: deploy, watch events while transferring, bridge value
// from spn1 to spn2, then export and verify the message's proof bundle.
describe('example scripts against a running mesh', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mesh-examples-'))
  const env = { ...process.env, MESH_DATA_DIR: dataDir }
  const pids: number[] = []
  const children: ChildProcess[] = []
  let token = ''

  const script = (name: string, args: string[] = [], timeout = 60_000) =>
    run(process.execPath, [...tsx, `examples/scripts/${name}`, ...args], { cwd: root, env, timeout })

  beforeAll(async () => {
    await run(process.execPath, [...meshArgs, 'up', '--detach', '--spns', '2', '--block-time', '100'], {
      cwd: root,
      env,
      timeout: 90_000,
    })
    const state = JSON.parse(readFileSync(join(dataDir, 'mesh.json'), 'utf8')) as {
      networks: { pid: number }[]
    }
    for (const n of state.networks) pids.push(n.pid)
  }, 120_000)

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
    await run(process.execPath, [...meshArgs, 'down'], { cwd: root, env, timeout: 30_000 }).catch(() => {})
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // stopped by mesh down
      }
    }
    rmSync(dataDir, { recursive: true, force: true })
  }, 60_000)

  it('deploy-token.ts compiles and deploys Token.sol with viem', async () => {
    const { stdout } = await script('deploy-token.ts')
    expect(stdout).toContain('Token deployed on spn1 at 0x')
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as { address: string; gasUsed: string }
    expect(last.address).toMatch(/^0x[0-9a-fA-F]{40}$/)
    expect(Number(last.gasUsed)).toBeGreaterThan(21_000)
    token = last.address
  }, 60_000)

  it('watch-events.ts sees the Transfer that transfer.ts makes', async () => {
    const watcher = spawn(
      process.execPath,
      [...tsx, 'examples/scripts/watch-events.ts', token, '--count', '1'],
      {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    children.push(watcher)
    let watched = ''
    watcher.stdout!.on('data', (d: Buffer) => {
      watched += d
    })
    watcher.stderr!.on('data', (d: Buffer) => {
      watched += d
    })
    const exited = new Promise<number | null>((r) => watcher.on('exit', (code) => r(code)))
    // Subscribe first, then transfer.
    const deadline = Date.now() + 30_000
    while (!watched.includes('watching Transfer events') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100))
    await new Promise((r) => setTimeout(r, 500))
    const { stdout } = await script('transfer.ts', [token, BOB, '2.5'])
    expect(stdout).toContain('success')
    expect(stdout).toContain(`${BOB}: 0 → 2.5`)
    expect(await exited).toBe(0)
    expect(watched).toContain(`→ ${BOB}: 2.5`)
  }, 90_000)

  let position = -1

  it('bridge.ts sends 0.5 ETH from spn1 to spn2 and waits until it is delivered', async () => {
    const { stdout } = await script('bridge.ts', [BOB, '0.5', '--network', 'spn1', '--dst', 'spn2'], 120_000)
    expect(stdout).toContain('sent 0.5 ETH spn1 → spn2')
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      status: string
      received: string
      position: number
    }
    expect(last.status).toBe('delivered')
    expect(last.received).toBe((5n * 10n ** 17n).toString())
    position = last.position
  }, 150_000)

  it('verify-bundle.ts exports that message’s proof bundle and every offline check passes', async () => {
    const out = join(dataDir, 'bundle.json')
    const { stdout } = await script('verify-bundle.ts', [String(position), '--network', 'spn1', '--out', out])
    expect(stdout).toContain('✓ inclusion')
    expect(stdout).toContain('✓ groth16')
    expect(stdout).toContain('✓ tee-quote')
    expect(stdout).toMatch(/valid in \d+ ms/)
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({ ok: true, failed: null })
    expect(JSON.parse(readFileSync(out, 'utf8')).kind).toBe('rollup-mesh/proof-bundle')
  }, 60_000)
})
