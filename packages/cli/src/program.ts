import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { commands } from './cmds/index.js'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string
}

export const VERSION = pkg.version

/**
 * Builds the `mesh` program (every command of `cmds/index.ts`, each registered from its option
 * declarations); exported so tests and scripts drive it in-process. Commands import their
 * handlers lazily, so building it loads no node, VM or prover code.
 *
 * @example
 * import { createProgram } from '@rollup-mesh/cli'
 * // prints the doctor's checks as JSON; the exit code is left in process.exitCode
 * await createProgram().parseAsync(['node', 'mesh', 'doctor', '--json'])
 */
export function createProgram(): Command {
  const program = new Command('mesh')
    .description('Run and use a rollup-mesh: a main net coordinating EVM + WASM SPNs.')
    .version(VERSION, '-v, --version', 'print the version')
    // main() takes --debug out of argv before parsing (it applies to every command); declared for --help.
    .option('--debug', 'print the stack of an unexpected error (env: MESH_DEBUG=1)')
    .showHelpAfterError('(run `mesh --help` for usage)')
    .exitOverride()
  for (const c of commands) {
    const cmd = program.command(c.name).description(c.describe).exitOverride()
    c.register(cmd)
    cmd.addHelpText(
      'after',
      `\nExamples:\n${c.examples.map((e) => `  $ ${e.command}\n      ${e.description}`).join('\n')}`,
    )
  }
  const all = commands.flatMap((c) => c.examples.slice(0, 1))
  program.addHelpText(
    'after',
    `\nExamples:\n${all.map((e) => `  $ ${e.command}    # ${e.description}`).join('\n')}`,
  )
  return program
}

export { CommanderError }
