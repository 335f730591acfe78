import { type Command, Option } from 'commander'
import { type Declarations, envName, type OptionDecl, type Parsed } from './declare.js'
import { globalOptions } from './globals.js'
import { type CommandContext, resolveOptions } from './resolve.js'

type Globals = typeof globalOptions

/** A command's declarations with the global options it keeps. */
export type WithGlobals<D extends Declarations, Omit extends keyof Globals = never> = D &
  Pick<Globals, Exclude<keyof Globals, Omit>>

export type ActionSpec<D extends Declarations, O extends keyof Globals> = CommandContext & {
  options: D
  /** Global options this command leaves out (its own flag has the same name). */
  omitGlobals?: readonly O[]
  /** Runs the command with the resolved options; resolves to the exit code. Import heavy modules inside. */
  run(options: Parsed<WithGlobals<D, O>>): Promise<number>
}

const declared = new WeakMap<Command, Declarations>()

/** The declarations a command was registered with (tests check each appears in `--help`). */
export function declarationsOf(cmd: Command): Declarations | undefined {
  return declared.get(cmd)
}

/**
 * Adds a command's declared arguments and options to `cmd` (flags, `--help` lines with
 * default and env var, a footer listing the config-file keys) and its action: the options
 * resolved as {@link resolveOptions} says, then `run`, whose result is the exit code.
 *
 * @example
 * declareAction(program.command('down'), {
 *   usage: 'down', section: 'down', options: { dataDir },
 *   run: async (o) => (await import('./handler.js')).downHandler(o),
 * })
 */
export function declareAction<D extends Declarations, O extends keyof Globals = never>(
  cmd: Command,
  spec: ActionSpec<D, O>,
): Command {
  const omit = new Set<string>(spec.omitGlobals ?? [])
  const all: Declarations = { ...spec.options }
  for (const [key, d] of Object.entries(globalOptions)) if (!omit.has(key) && !(key in all)) all[key] = d
  const args = Object.entries(all).filter(([, d]) => d.kind === 'arg')
  for (const [, d] of args) if (d.kind === 'arg') cmd.argument(d.syntax, d.description)
  const attributes = new Map<string, string>()
  for (const [key, d] of Object.entries(all)) {
    if (d.kind !== 'option') continue
    const option = toCommander(key, d)
    attributes.set(key, option.attributeName())
    cmd.addOption(option)
  }
  const keys = Object.entries(all).flatMap(([key, d]) => (d.kind === 'option' && d.inConfigFile ? [key] : []))
  cmd.addHelpText(
    'after',
    `\nConfig file keys (top level or "${spec.section}": {…}): ${keys.join(', ')}.\nPrecedence: flag > MESH_* env > config file > default.`,
  )
  cmd.action(async (...params: unknown[]) => {
    const command = params.at(-1) as Command
    const given: Record<string, unknown> = {}
    args.forEach(([key], i) => {
      given[key] = command.processedArgs[i]
    })
    for (const [key, attribute] of attributes)
      if (command.getOptionValueSource(attribute) === 'cli') given[key] = command.getOptionValue(attribute)
    const options = resolveOptions(spec, all, given) as Parsed<WithGlobals<D, O>>
    process.exitCode = await spec.run(options)
  })
  declared.set(cmd, all)
  return cmd
}

/** The commander option of a declaration; its value is read back under the declaration's key. */
function toCommander(key: string, d: OptionDecl): Option {
  const notes = [d.defaultText !== undefined ? `default: ${d.defaultText}` : '', `env: ${envName(key)}`]
  return new Option(d.flag, `${d.description} (${notes.filter(Boolean).join(', ')})`)
}
