import { type DestinationStream, type Level, pino } from 'pino'

/**
 * The logger every package takes: pino's, so context travels as an object
 * (`log.info({ block: n, txs }, 'block sealed')`) and each module gets a child
 * (`logger.child({ module: 'executor' })`). Libraries never call `console`.
 */
export type Logger = pino.Logger

export type LoggerOptions = {
  /** Minimum level; `silent` drops everything. Default `info`. */
  level?: Level | 'silent'
  /** Bound into every line, e.g. the network name. */
  name?: string
  /** Where lines go (a file stream, `pino.destination(path)`); default stdout. */
  destination?: DestinationStream
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const { level = 'info', name, destination } = options
  return pino({ level, ...(name ? { name } : {}), base: { pid: process.pid } }, destination)
}

/** A logger that drops everything: the default for library code and tests. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' })
}
