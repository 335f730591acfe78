import { z } from '@rollup-mesh/core'
import { InvalidOptionError, type OptionIssue } from '../errors.js'
import { readConfigFile } from './config-file.js'
import { type Declarations, envName, longFlag, type Parsed } from './declare.js'

/** Where the command is: `mesh <usage>` in messages, `section` in the config file. */
export type CommandContext = { usage: string; section: string }

/** The one zod schema of a command, built from its declarations. */
export function schemaOf<D extends Declarations>(decls: D): z.ZodObject<{ [K in keyof D]: D[K]['schema'] }> {
  const shape = Object.fromEntries(Object.entries(decls).map(([key, d]) => [key, d.schema]))
  return z.object(shape) as z.ZodObject<{ [K in keyof D]: D[K]['schema'] }>
}

type Picked = { value: unknown; from: string }

/**
 * Resolves a command's options, highest first: the command line (`given`: the flags the
 * user typed and the positional arguments), `MESH_<OPTION>` env vars, the config file
 * (its section for the command, then its top level), the declared default. Validates
 * the result with {@link schemaOf}; an {@link InvalidOptionError} names each bad flag,
 * what it expected and what was given where.
 *
 * @example
 * resolveOptions({ usage: 'up', section: 'up' }, upOptions, { spns: '3' }, { MESH_BLOCK_TIME: '200' })
 * // → { spns: 3, blockTime: 200, mainnet: true, … }
 */
export function resolveOptions<D extends Declarations>(
  ctx: CommandContext,
  decls: D,
  given: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Parsed<D> {
  const named = (given.config as string | undefined) ?? (env[envName('config')] || undefined)
  const file = readConfigFile(named, cwd)
  const rawSection = file.values[ctx.section]
  const section = isObject(rawSection) ? rawSection : {}
  const picked: Record<string, Picked> = {}
  for (const [key, d] of Object.entries(decls)) {
    const p = pick(key, d, given, env, section, file.values, `${file.path}`, ctx.section)
    if (p) picked[key] = p
  }
  const input = Object.fromEntries(Object.entries(picked).map(([k, p]) => [k, p.value]))
  const result = schemaOf(decls).safeParse(input)
  if (result.success) return result.data as Parsed<D>
  const issues: OptionIssue[] = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '')
    const d = decls[key]
    const p = picked[key]
    return {
      name: d === undefined ? key : d.kind === 'arg' ? d.syntax : longFlag(d.flag),
      expected: issue.message.replace(/^Invalid input: /, ''),
      given: p
        ? `${JSON.stringify(p.value)} (${p.from})`
        : `nothing${d?.kind === 'option' ? ` (give ${longFlag(d.flag)}, ${envName(key)} or "${key}" in the config file)` : ''}`,
    }
  })
  throw new InvalidOptionError(ctx.usage, issues)
}

function pick(
  key: string,
  d: Declarations[string],
  given: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  section: Record<string, unknown>,
  top: Record<string, unknown>,
  path: string,
  sectionName: string,
): Picked | undefined {
  if (given[key] !== undefined) return { value: given[key], from: 'command line' }
  if (d.kind === 'arg') return undefined
  const fromEnv = env[envName(key)]
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, from: `env ${envName(key)}` }
  if (!d.inConfigFile) return undefined
  if (section[key] !== undefined) return { value: section[key], from: `"${sectionName}.${key}" in ${path}` }
  if (top[key] !== undefined && !isObject(top[key])) return { value: top[key], from: `"${key}" in ${path}` }
  return undefined
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
