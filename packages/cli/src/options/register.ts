import { type Command, Option } from 'commander'
import { MeshCliError } from '../errors.js'
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

type Registered = {
  ctx: CommandContext
  all: Declarations
  /** Positional argument keys, in order. */
  args: string[]
  /** Option key → commander's attribute name (`wait` for `--no-wait`, `config` for node's `nodeConfig`). */
  attributes: Map<string, string>
}

const registered = new WeakMap<Command, Registered>()

/** The declarations a command was registered with (tests check each appears in `--help`). */
export function declarationsOf(cmd: Command): Declarations | undefined {
  return registered.get(cmd)?.all
}

/**
 * The resolved options of a parsed command: what its action passes to `run`. Only flags the
 * user typed count as the command line (commander's defaults do not hide env and config).
 */
export function optionsOf(command: Command, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const r = registered.get(command)
  if (!r)
    throw new MeshCliError(`\`mesh ${command.name()}\` has no declared options.`, {
      code: 'OPTIONS_NOT_DECLARED',
      metaMessages: ['- Register the command with declareAction().'],
    })
  const given: Record<string, unknown> = {}
  r.args.forEach((key, i) => {
    given[key] = command.processedArgs[i]
  })
  for (const [key, attribute] of r.attributes)
    if (command.getOptionValueSource(attribute) === 'cli') given[key] = command.getOptionValue(attribute)
  return resolveOptions(r.ctx, r.all, given, env)
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
  const args = Object.entries(all).flatMap(([key, d]) => (d.kind === 'arg' ? [{ key, d }] : []))
  for (const { d } of args) cmd.argument(d.syntax, d.description)
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
  registered.set(cmd, {
    ctx: { usage: spec.usage, section: spec.section },
    all,
    args: args.map((a) => a.key),
    attributes,
  })
  cmd.action(async (...params: unknown[]) => {
    const options = optionsOf(params.at(-1) as Command) as Parsed<WithGlobals<D, O>>
    process.exitCode = await spec.run(options)
  })
  return cmd
}

function toCommander(key: string, d: OptionDecl): Option {
  const notes = [d.defaultText !== undefined ? `default: ${d.defaultText}` : '', `env: ${envName(key)}`]
  return new Option(d.flag, `${d.description} (${notes.filter(Boolean).join(', ')})`)
}
