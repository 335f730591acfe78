/** anvil for user mode: the installed devDependency (1.7.1), interval mining unless told otherwise. */
import { execFile, spawn } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Target } from './target.js'
import type { UserModeOptions } from './userMode.js'
import { UserModeError } from './userModeError.js'

const log = (s: string) => process.stderr.write(`${s}\n`)

/** anvil's `--block-time` in seconds (default 1), or `auto` (automine). */
export const anvilBlockTime = (o: UserModeOptions) => o.anvilBlockTime ?? '1'
/** How anvil mines, as the table's header says it. */
export const anvilMining = (o: UserModeOptions) =>
  anvilBlockTime(o) === 'auto' ? 'automine' : `--block-time ${anvilBlockTime(o)}`

/** Starts anvil on a free port with `chainId` (the SPN's, so the same signing code serves both). */
export async function startAnvil(
  o: UserModeOptions,
  chainId: number,
): Promise<{ target: Target; version: string; stop: () => Promise<void> }> {
  const bin = join(o.root, 'node_modules/.bin/anvil')
  const version = (await promisify(execFile)(bin, ['--version'])).stdout.split('\n')[0] ?? 'anvil'
  log(`${version}, ${anvilMining(o)}`)
  const args = ['--port', '0', '--chain-id', String(chainId), '--gas-limit', '1000000000']
  if (anvilBlockTime(o) !== 'auto') args.push('--block-time', anvilBlockTime(o))
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise<string>((resolve, reject) => {
    proc.once('exit', (c) => reject(new UserModeError(`anvil exited with ${c} before listening.`)))
    let out = ''
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = out.match(/Listening on (\S+)/)
      if (m) resolve(`http://${m[1]}`)
    })
  })
  const pid = proc.pid as number
  return {
    target: { name: 'anvil', url, wsUrl: url.replace(/^http/, 'ws'), chainId, pids: [pid], allPids: [pid] },
    version,
    stop: async () => {
      if (proc.exitCode !== null) return
      const exited = new Promise((r) => proc.once('exit', r))
      process.kill(pid, 'SIGTERM')
      await exited
    },
  }
}
