import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { alive, killPid as kill } from '../../packages/cli/test/e2e/helpers.js'
import { poll, sleep, spawnReady, tail } from '../../packages/cli/test/e2e/readyProcess.js'

/** The repository root. */
export const root = fileURLToPath(new URL('../..', import.meta.url))

/** How the runner starts `mesh` and node binaries: from TypeScript source, so they always run this tree. */
export const fromSource = ['--import', 'tsx', '--conditions', 'source']
/** `mesh` as a user runs it after `npm ci` (built; `ensureBuilt` rebuilds what is stale). */
export const meshArgs = [join(root, 'packages/cli/bin/mesh.js')]

function newest(dir: string): number {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}

/** Rebuilds the dist of chain, spn and cli when their src is newer (what the crash scenario's `mesh` runs). */
export function ensureBuilt(log: (line: string) => void): void {
  for (const pkg of ['core', 'chain', 'dual-vm', 'p2p', 'zk-bridge', 'tee-attest', 'spn', 'mainnet', 'cli']) {
    const dir = join(root, 'packages', pkg)
    const dist = join(dir, 'dist')
    if (existsSync(dist) && newest(dist) >= newest(join(dir, 'src'))) continue
    log(`building ${pkg} (its dist is older than its src)`)
    execFileSync(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: dir, stdio: 'inherit' },
    )
  }
}

/** Every process the runner started and has not seen exit: killed by pid if the runner itself is stopped. */
export const startedPids = new Set<number>()
let exitHooked = false
function hookExit(): void {
  if (exitHooked) return
  exitHooked = true
  const killAll = () => {
    for (const pid of startedPids) kill(pid)
  }
  process.on('exit', killAll)
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.on(sig, () => {
      killAll()
      process.exit(130)
    })
}

/** Tracks `proc` until it exits. */
export function track(proc: ChildProcess): void {
  hookExit()
  if (proc.pid === undefined) return
  const pid = proc.pid
  startedPids.add(pid)
  proc.once('exit', () => startedPids.delete(pid))
}

/** A process the runner started; stopped by pid (SIGKILL) when the scenario ends. */
export type Started = { proc: ChildProcess; pid: number; ready: Record<string, unknown> }

/**
 * Spawns `args` with Node (from source, or `built`: as given), stderr appended to `logFile`, and resolves with
 * the first JSON line on stdout whose `event` is `ready` (node bins and `mesh node start --json` print one).
 * `prefix` runs it through another command first (`ip netns exec <ns>`: the partition scenario).
 */
export async function startReady(
  args: string[],
  logFile: string,
  timeoutMs = 120_000,
  built = false,
  prefix: readonly string[] = [],
): Promise<Started> {
  const argv = [process.execPath, ...(built ? args : [...fromSource, ...args])]
  const [command, ...rest] = [...prefix, ...argv] as [string, ...string[]]
  const started = spawnReady(command, rest, { logFile, timeoutMs })
  track(started.proc)
  return { proc: started.proc, pid: started.pid, ready: await started.ready }
}

/** Runs the built `mesh <args>` to completion. */
export function runMesh(
  args: string[],
  timeoutMs = 300_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [...meshArgs, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    track(proc)
    let stdout = ''
    let stderr = ''
    proc.stdout.on('data', (d: Buffer) => {
      stdout += d
    })
    proc.stderr.on('data', (d: Buffer) => {
      stderr += d
    })
    const timer = setTimeout(() => kill(proc.pid), timeoutMs)
    proc.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** Whether `pid` runs (a zombie counts as gone) and SIGKILL by pid: the CLI e2e tests' own helpers. */
export { alive, kill }

/** SIGKILL and wait until the process is gone. */
export async function killAndWait(p: Started): Promise<void> {
  if (p.proc.exitCode !== null || p.proc.signalCode !== null) return
  const exited = new Promise((r) => p.proc.once('exit', r))
  kill(p.pid)
  await exited
}

/** Resident memory of `pid` in bytes (Linux /proc), 0 when unreadable. */
export function rssOf(pid: number): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)
    return m ? Number(m[1]) * 1024 : 0
  } catch {
    return 0
  }
}

export function writeJSON(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, null, 2))
}

/** Sleep, and the log's tail: the CLI e2e helpers' own (one copy). */
export { sleep, tail }

/** Polls `fn` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export function until<T>(
  fn: () => Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return poll(what, fn, timeoutMs)
}
