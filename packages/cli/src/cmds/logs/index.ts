import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { z } from '@rollup-mesh/core'
import { MeshCliError } from '../../errors.js'
import { formatLogLine } from '../../mesh/spawn.js'
import { findNetwork, requireState, resolveDataDir } from '../../mesh/state.js'
import { bool, globalShape, num, resolveOptions } from '../../options.js'
import type { CliCommand } from '../types.js'

export const logsSchema = z.object({
  ...globalShape,
  dataDir: z.string().optional(),
  network: z.string().min(1),
  follow: bool.default(false),
  lines: num(0, 1_000_000).default(50),
})
export type LogsOptions = z.output<typeof logsSchema>

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

export const logs: CliCommand = {
  name: 'logs',
  describe: "Print a network's node log; -f follows it.",
  examples: [
    { command: 'mesh logs spn1', description: 'the last 50 lines of spn1' },
    { command: 'mesh logs spn2 -f', description: 'follow spn2 (Ctrl-C stops)' },
  ],
  register(cmd) {
    cmd
      .argument('<network>', 'network name (spn1, spn2, …)')
      .option('-f, --follow', 'keep printing new lines')
      .option('--lines <n>', 'how many past lines to print (default 50)')
      .option('-d, --data-dir <dir>', 'the mesh data dir (default .mesh)')
      .option('--json', 'print the raw JSON log lines')
      .action(async (network: string, opts: Record<string, unknown>) => {
        process.exitCode = await logsHandler(resolveOptions('logs', logsSchema, { ...opts, network }))
      })
  },
}
