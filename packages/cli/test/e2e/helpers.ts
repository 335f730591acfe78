import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

export const root = fileURLToPath(new URL('../../../..', import.meta.url))
/**
 * How the tests run `mesh`: the built binary (bin/mesh.js → dist, what a user
 * runs after `npm ci`; rebuilt by `ensureBuilt` when src is newer), or from
 * TypeScript source with MESH_TEST_FROM_SOURCE=1 (about 4 s slower per command).
 */
const fromSource = process.env.MESH_TEST_FROM_SOURCE === '1'
export const meshArgs = fromSource
  ? ['--import', 'tsx', '--conditions', 'source', 'packages/cli/src/bin-dev.ts']
  : ['packages/cli/bin/mesh.js']

function newest(dir: string): number {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}

/** Builds packages/cli/dist when it is missing or older than src (the other packages' dist comes from `npm ci`). */
export async function ensureBuilt(): Promise<void> {
  if (fromSource) return
  const main = join(root, 'packages/cli/dist/main.js')
  if (existsSync(main) && statSync(main).mtimeMs >= newest(join(root, 'packages/cli/src'))) return
  await promisify(execFile)(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: join(root, 'packages/cli'),
    },
  )
}

export type MeshRun = { code: number | null; stdout: string; stderr: string; ms: number }

/** Runs `mesh <args>` to completion. */
export function mesh(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<MeshRun> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...meshArgs, ...args], {
      cwd: root,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    proc.stdout.on('data', (d: Buffer) => {
      stdout += d
    })
    proc.stderr.on('data', (d: Buffer) => {
      stderr += d
    })
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`mesh ${args.join(' ')} timed out\n${stdout}\n${stderr}`))
    }, options.timeoutMs ?? 90_000)
    proc.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, ms: performance.now() - started })
    })
  })
}

/** Starts `mesh <args>` and leaves it running (foreground `mesh up`). */
export function meshBackground(args: string[]): {
  proc: ChildProcess
  output: () => string
  exited: Promise<number | null>
} {
  const proc = spawn(process.execPath, [...meshArgs, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  proc.stdout!.on('data', (d: Buffer) => {
    out += d
  })
  proc.stderr!.on('data', (d: Buffer) => {
    out += d
  })
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)))
  return { proc, output: () => out, exited }
}

/** Whether the pid runs (a zombie waiting for its parent to reap it counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat[stat.lastIndexOf(')') + 2] !== 'Z'
  } catch {
    return true
  }
}

export function killPid(pid: number | undefined): void {
  if (pid && alive(pid))
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
}

export async function until(fn: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** The last JSON object printed on stdout. */
// biome-ignore lint/suspicious/noExplicitAny: tests index freely into CLI JSON
export function lastJson(text: string): any {
  const lines = text
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
  return JSON.parse(lines.at(-1) ?? 'null')
}
