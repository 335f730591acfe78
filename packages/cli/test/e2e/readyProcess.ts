import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { killPid, root } from './helpers.js'

// One copy of "spawn a node, wait for its ready line" and "poll until", shared by the CLI's validator e2e
// tests (validatorCluster.ts) and the soak (test/soak/processes.ts).

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Polls `fn` until it returns a value other than undefined/false (a throw counts as "not yet"); throws after `timeoutMs`. */
export async function poll<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const v = await fn()
      if (v !== undefined && v !== false) return v
    } catch {
      // not yet (a node restarting refuses connections)
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)
    await sleep(250)
  }
}

/** The last `lines` lines of a log file. */
export function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** A process started by `spawnReady`: known by pid at once, `ready` resolves with its ready line. */
export type ReadyProcess = { proc: ChildProcess; pid: number; ready: Promise<Record<string, unknown>> }

/**
 * Spawns `command args` (cwd: the repository root), stderr appended to `logFile`, and resolves `ready` with
 * the first JSON line on stdout whose `event` is `ready` (node bins and `mesh node start --json` print one).
 * `ready` rejects, with the log's tail, when the process exits first, and kills it after `timeoutMs`.
 */
export function spawnReady(
  command: string,
  args: readonly string[],
  options: { logFile: string; env?: Record<string, string>; timeoutMs?: number },
): ReadyProcess {
  const timeoutMs = options.timeoutMs ?? 120_000
  const fd = openSync(options.logFile, 'a')
  const proc = spawn(command, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', fd],
    env: { ...process.env, MESH_JSON: '', ...options.env },
  })
  closeSync(fd)
  const pid = proc.pid as number
  const what = `${command} ${args.join(' ')}`
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      killPid(pid)
      reject(new Error(`${what} not ready in ${timeoutMs / 1000} s (log ${options.logFile})`))
    }, timeoutMs)
    proc.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(
        new Error(
          `${what} exited while starting (${signal ?? code}); log ${options.logFile}:\n${tail(options.logFile)}`,
        ),
      )
    })
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as Record<string, unknown>
        if (msg.event === 'ready') {
          clearTimeout(timer)
          proc.removeAllListeners('exit')
          resolve(msg)
        }
      } catch {
        // not the ready line
      }
    })
  })
  ready.catch(() => {})
  return { proc, pid, ready }
}
