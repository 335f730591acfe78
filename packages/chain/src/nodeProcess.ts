import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { BaseError, createLogger, type Logger, type LoggerOptions } from '@rollup-mesh/core'

type LogLevel = NonNullable<LoggerOptions['level']>

/** What a node binary starts: something it can stop on SIGINT/SIGTERM. */
export type StoppableNode = { stop(): Promise<void> }

export type NodeProcessOptions<C extends { logLevel: LogLevel }> = {
  /** The binary's name in its usage line (`spn`, `mainnet`). */
  name: string
  /** Validates the config file's contents (after `--data-dir`/`--port` are applied). */
  parseConfig: (raw: Record<string, unknown>) => C
  /** The logger's name for this config. */
  loggerName: (config: C) => string
  /** Starts the node; `ready` is merged into the `{"event":"ready"}` line. */
  start: (
    raw: Record<string, unknown>,
    config: C,
    logger: Logger,
  ) => Promise<{ node: StoppableNode; ready: Record<string, unknown> }>
}

/**
 * The process around a node (`node dist/bin.js --config <file> [--data-dir D] [--port N]`), shared by the
 * SPN and main-net binaries: logs go to stderr; when RPC is up, one JSON line `{"event":"ready",...}` goes
 * to stdout; SIGINT/SIGTERM stop the node and exit 0 (1 if stopping failed); a start failure prints its
 * message (not a stack for our own errors) and exits 1.
 */
export function runNodeProcess<C extends { logLevel: LogLevel }>(options: NodeProcessOptions<C>): void {
  main(options).catch((err: unknown) => {
    process.stderr.write(`${err instanceof BaseError ? err.message : String((err as Error)?.stack ?? err)}\n`)
    process.exit(1)
  })
}

async function main<C extends { logLevel: LogLevel }>(options: NodeProcessOptions<C>): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', short: 'c' },
      'data-dir': { type: 'string' },
      port: { type: 'string' },
    },
    strict: true,
  })
  if (!values.config) {
    process.stderr.write(`usage: ${options.name} --config <file.json> [--data-dir <dir>] [--port <n>]\n`)
    process.exit(2)
  }
  const raw = JSON.parse(readFileSync(resolve(values.config), 'utf8')) as Record<string, unknown>
  if (values['data-dir']) raw.dataDir = values['data-dir']
  if (values.port) raw.rpc = { ...((raw.rpc as object | undefined) ?? {}), port: Number(values.port) }
  const config = options.parseConfig(raw)
  const logger = createLogger({
    level: config.logLevel,
    name: options.loggerName(config),
    destination: process.stderr,
  })
  const { node, ready } = await options.start(raw, config, logger)
  process.stdout.write(`${JSON.stringify({ event: 'ready', ...ready, pid: process.pid })}\n`)
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'stopping')
    node.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stop failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}
