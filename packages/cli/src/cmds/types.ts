import type { Command } from 'commander'

/**
 * One `mesh` sub-command, lodestar-style: each lives in `cmds/<name>/` with
 * `index.ts` (this object), `options.ts` (its option declarations) and `handler.ts`
 * (imported lazily by the action). `test/unit/examples.test.ts` parses every example.
 *
 * @example
 * export const down: CliCommand = {
 *   name: 'down',
 *   describe: 'Stop the mesh started by `mesh up`.',
 *   examples: [{ command: 'mesh down', description: 'stop every node of the mesh in .mesh/' }],
 *   register: (cmd) =>
 *     declareAction(cmd, {
 *       usage: 'down',
 *       section: 'down',
 *       options: downOptions,
 *       run: async (o) => (await import('./handler.js')).downHandler(o),
 *     }),
 * }
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
