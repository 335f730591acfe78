import type { Command } from 'commander'

/**
 * One `mesh` sub-command, lodestar-style: each lives in `cmds/<name>/` with
 * `index.ts` (this object), `options.ts` and `handler.ts`.
 */
export type CliCommand = {
  name: string
  describe: string
  /** Shown under --help; each one must actually run. */
  examples: { command: string; description: string }[]
  /** Adds the command's options and action to `cmd`. */
  register(cmd: Command): void
}

/** Options every command accepts. */
export type GlobalOptions = { json?: boolean }
