import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { MeshCliError } from '../errors.js'
import type { SPNRegistration } from './kinds.js'
import { isAlive } from './state.js'

/**
 * How to run this same CLI again: the Node binary, its flags (under tsx,
 * `--import tsx --conditions source`, so children run from source too) and
 * the entry script. `mesh up` spawns `mesh node start --config …` with it.
 */
export function cliInvocation(): { command: string; args: string[] } {
  const entry = process.env.MESH_CLI_ENTRY ?? process.argv[1]
  if (!entry)
    throw new MeshCliError('Cannot tell which script runs the mesh CLI.', {
      code: 'CLI_ENTRY_UNKNOWN',
      metaMessages: ['- Run `mesh` through packages/cli/bin/mesh.js (or `npx mesh`).'],
    })
  return { command: process.execPath, args: [...process.execArgv, entry] }
}

export type Ready = { rpcUrl: string; wsUrl: string; pid: number; settlement?: SPNRegistration }

export type SpawnedNode = {
  name: string
  proc: ChildProcess
  pid: number
  logFile: string
  ready: Promise<Ready>
}

/** The last `lines` lines of a log file, pino JSON turned into readable lines. */
export function logTail(logFile: string, lines = 15): string {
  if (!existsSync(logFile)) return '(no log)'
  const text = readFileSync(logFile, 'utf8').trimEnd()
  return text
    .split('\n')
    .slice(-lines)
    .map((l) => formatLogLine(l))
    .join('\n')
}

/** pino JSON → `HH:MM:SS LEVEL msg {context}`; other lines unchanged. */
export function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return line
  try {
    const {
      time,
      level,
      msg,
      pid: _pid,
      hostname: _h,
      name: _n,
      ...rest
    } = JSON.parse(line) as Record<string, unknown>
    const levels: Record<number, string> = {
      10: 'TRACE',
      20: 'DEBUG',
      30: 'INFO',
      40: 'WARN',
      50: 'ERROR',
      60: 'FATAL',
    }
    const t = typeof time === 'number' ? new Date(time).toISOString().slice(11, 23) : ''
    const ctx = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : ''
    return `${t} ${(levels[level as number] ?? String(level)).padEnd(5)} ${String(msg ?? '')}${ctx}`
  } catch {
    return line
  }
}

/**
 * Spawns `mesh node start --config <file> --json` as its own process: logs
 * (stderr) append to `logFile`, stdout carries one ready line. `detached`
 * puts it in its own process group so it outlives this one.
 */
export function spawnNode(options: {
  name: string
  configFile: string
  logFile: string
  detached?: boolean
  timeoutMs?: number
}): SpawnedNode {
  const { command, args } = cliInvocation()
  const logFd = openSync(options.logFile, 'a')
  const proc = spawn(command, [...args, 'node', 'start', '--config', options.configFile, '--json'], {
    stdio: ['ignore', 'pipe', logFd],
    detached: options.detached === true,
    env: { ...process.env, MESH_JSON: '' },
  })
  closeSync(logFd)
  const pid = proc.pid
  if (pid === undefined)
    throw new MeshCliError(`Could not start the ${options.name} process.`, {
      code: 'SPAWN_FAILED',
      metaMessages: ['- Check that this machine can run a mesh: `mesh doctor`.'],
    })
  const ready = new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new MeshCliError(
          `${options.name} did not become ready in ${(options.timeoutMs ?? 60_000) / 1000} s.`,
          {
            code: 'NODE_START_TIMEOUT',
            metaMessages: [`- Log (${options.logFile}):`, logTail(options.logFile)],
          },
        ),
      )
    }, options.timeoutMs ?? 60_000)
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer)
      reject(
        new MeshCliError(`${options.name} exited while starting (${signal ?? `exit code ${code}`}).`, {
          code: 'NODE_CRASHED',
          metaMessages: [`- Last lines of ${options.logFile}:`, logTail(options.logFile)],
        }),
      )
    }
    proc.once('exit', onExit)
    const rl = createInterface({ input: proc.stdout! })
    rl.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as {
          event?: string
          rpcUrl: string
          wsUrl: string
          settlement?: SPNRegistration
        }
        if (msg.event === 'ready') {
          clearTimeout(timer)
          proc.off('exit', onExit)
          resolve({
            rpcUrl: msg.rpcUrl,
            wsUrl: msg.wsUrl,
            pid,
            ...(msg.settlement ? { settlement: msg.settlement } : {}),
          })
        }
      } catch {
        // not the ready line
      }
    })
  })
  ready.catch(() => {})
  return { name: options.name, proc, pid, logFile: options.logFile, ready }
}

/** Sends SIGTERM, waits up to `graceMs` for the pid to go, then SIGKILL. Returns how it ended. */
export async function stopPid(pid: number, graceMs = 10_000): Promise<'stopped' | 'killed' | 'gone'> {
  const alive = () => isAlive(pid)
  if (!alive()) return 'gone'
  try {
    process.kill(pid, 'SIGTERM')
  } catch {
    return 'gone'
  }
  const deadline = Date.now() + graceMs
  while (Date.now() < deadline) {
    if (!alive()) return 'stopped'
    await new Promise((r) => setTimeout(r, 50))
  }
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    return 'stopped'
  }
  // SIGKILL is not instant on a loaded machine: report 'killed' once the pid is really gone.
  const killDeadline = Date.now() + 5_000
  while (alive() && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 50))
  return 'killed'
}
