import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root, where `mesh` runs from. */
export const root = fileURLToPath(new URL('../../../..', import.meta.url))
const bin = join(root, 'packages/cli/bin/mesh.js')

/** Why the browser suite cannot run here, or undefined when it can. */
export function missingPrerequisite(chromium: string): string | undefined {
  if (!existsSync(chromium)) return `${chromium} is missing (Debian's chromium package; .ci/run installs it)`
  for (const dist of [
    'cli/dist/main.js',
    'spn/dist/index.js',
    'mainnet/dist/index.js',
    'explorer/dist/app/index.html',
  ])
    if (!existsSync(join(root, 'packages', dist)))
      return `packages/${dist} is not built (npm ci builds it; or npm run build)`
  return undefined
}

/** Runs `mesh <args>` to completion (the built CLI, as a user runs it). */
export function mesh(
  args: string[],
  timeoutMs = 120_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    proc.stdout.on('data', (d: Buffer) => {
      stdout += d
    })
    proc.stderr.on('data', (d: Buffer) => {
      stderr += d
    })
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs)
    proc.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** A foreground `mesh up` (it supervises the nodes and serves the explorer) and what it printed. */
export function meshUp(args: string[]): { proc: ChildProcess; output: () => string } {
  const proc = spawn(process.execPath, [bin, 'up', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  proc.stdout!.on('data', (d: Buffer) => {
    out += d
  })
  proc.stderr!.on('data', (d: Buffer) => {
    out += d
  })
  return { proc, output: () => out }
}

/** The pids of the nodes in the mesh's state file (to stop them by pid if the supervisor did not). */
export function nodePids(dataDir: string): number[] {
  try {
    const state = JSON.parse(readFileSync(join(dataDir, 'mesh.json'), 'utf8')) as {
      networks: { pid: number }[]
    }
    return state.networks.map((n) => n.pid)
  } catch {
    return []
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat[stat.lastIndexOf(')') + 2] !== 'Z'
  } catch {
    return false
  }
}

/** Polls `fn` until it returns something other than undefined, or throws `what` after `timeoutMs`. */
export async function until<T>(
  fn: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}
