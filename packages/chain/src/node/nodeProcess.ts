import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { BaseError, createLogger, type Logger, type LoggerOptions } from '@rollup-mesh/core'

type LogLevel = NonNullable<LoggerOptions['level']>

/** What a node process runs: something it can stop on SIGINT/SIGTERM. */
export type StoppableNode = { stop(): Promise<void> }

/** One node run in the foreground of this process (a node binary, `mesh node start`). */
export type NodeRun = {
  /** The logger's name (`spn1`, `mainnet`). */
  name: string
  level: LogLevel
  /** Starts the node; `ready` is merged into the `{"event":"ready"}` line. */
  start: (logger: Logger) => Promise<{ node: StoppableNode; ready: Record<string, unknown> }>
  /** What goes to stdout once the node is up; default the JSON line `{"event":"ready",...ready,"pid":N}`. */
  announce?: (ready: Record<string, unknown>) => string
}

/** The JSON line a node prints once its RPC is up (`mesh up` and the e2e tests wait for it). */
export function readyLine(ready: Record<string, unknown>): string {
  return `${JSON.stringify({ event: 'ready', ...ready, pid: process.pid })}\n`
}

/**
 * Runs a node in the foreground: logs (pino JSON) go to stderr; once started, the ready announcement goes
 * to stdout; SIGINT/SIGTERM stop the node and exit 0 (1 if stopping failed). Never resolves.
 *
 * @example
 * ```ts
 * import { runNode } from '@rollup-mesh/chain'
 *
 * await runNode({
 *   name: 'spn1',
 *   level: 'info',
 *   start: async (logger) => {
 *     const node = createSPNNode({ config, logger })
 *     await node.start()
 *     return { node, ready: { rpcUrl: node.rpcUrl } }
 *   },
 * }) // prints {"event":"ready","rpcUrl":"http://127.0.0.1:…","pid":…}; Ctrl-C stops it
 * ```
 */
export async function runNode(run: NodeRun): Promise<never> {
  const logger = createLogger({ level: run.level, name: run.name, destination: process.stderr })
  const { node, ready } = await run.start(logger)
  process.stdout.write((run.announce ?? readyLine)(ready))
  return new Promise<never>(() => {
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
  })
}

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
 * A node binary (`node dist/bin.js --config <file> [--data-dir D] [--port N]`), shared by the SPN and
 * main-net binaries: reads the config file, then `runNode`. Without `--config` it prints its usage and
 * exits 2; a start failure prints its message (not a stack for our own errors) and exits 1.
 *
 * @example
 * ```ts
 * // packages/mainnet/src/bin.ts
 * runNodeProcess({
 *   name: 'mainnet',
 *   parseConfig: parseMainnetConfig,
 *   loggerName: () => 'mainnet',
 *   start: async (raw, _config, logger) => {
 *     const node = createMainnetNode({ config: raw, logger })
 *     await node.start()
 *     return { node, ready: { rpcUrl: node.rpcUrl } }
 *   },
 * })
 * ```
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
  await runNode({
    name: options.loggerName(config),
    level: config.logLevel,
    start: (logger) => options.start(raw, config, logger),
  })
}
