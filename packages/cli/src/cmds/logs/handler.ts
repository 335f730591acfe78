import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { MeshCliError } from '../../errors.js'
import { formatLogLine } from '../../mesh/spawn.js'
import { findNetwork, requireState, resolveDataDir } from '../../mesh/state.js'
import type { LogsOptions } from './options.js'

/** Prints the last lines of a network's log (pino JSON made readable; raw with --json), following with -f. */
export async function logsHandler(options: LogsOptions): Promise<number> {
  const state = requireState(resolveDataDir(options.dataDir))
  const net = findNetwork(state, options.network)
  if (!existsSync(net.logFile))
    throw new MeshCliError(`${net.name} has no log yet (${net.logFile}).`, { code: 'NO_LOG' })
  const show = (line: string) => {
    if (line) process.stdout.write(`${options.json ? line : formatLogLine(line)}\n`)
  }
  const text = readFileSync(net.logFile, 'utf8')
  const all = text.split('\n').filter(Boolean)
  for (const line of options.lines === 0 ? [] : all.slice(-options.lines)) show(line)
  if (!options.follow) return 0
  let offset = Buffer.byteLength(text)
  let partial = ''
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const size = statSync(net.logFile).size
      if (size < offset) offset = 0
      if (size === offset) return
      const fd = openSync(net.logFile, 'r')
      const buf = Buffer.alloc(size - offset)
      readSync(fd, buf, 0, buf.length, offset)
      closeSync(fd)
      offset = size
      const lines = (partial + buf.toString('utf8')).split('\n')
      partial = lines.pop() ?? ''
      for (const l of lines) show(l)
    }, 200)
    const stop = () => {
      clearInterval(timer)
      resolve()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  return 0
}
