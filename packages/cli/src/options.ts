import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseConfig, z } from '@rollup-mesh/core'
import { MeshCliError } from './errors.js'

/** The config file read from the working directory (or `MESH_CONFIG`). */
export const CONFIG_FILE = 'mesh.config.json'

/**
 * `mesh.config.json`: top-level keys apply to every command (`dataDir`, `json`),
 * a section named after a command applies to it only (`{ "up": { "spns": 3 } }`).
 * Each command validates the merged options with its own schema.
 */
const configFileSchema = z.record(z.string(), z.unknown())

function camelToEnv(key: string): string {
  return `MESH_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`
}

/** Reads `mesh.config.json` (or the file named by `MESH_CONFIG`); `{}` when there is none. */
export function readConfigFile(
  cwd = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
): Record<string, unknown> {
  const named = env.MESH_CONFIG
  const path = resolve(cwd, named ?? CONFIG_FILE)
  if (!existsSync(path)) {
    if (named) throw new MeshCliError(`Config file ${path} (from MESH_CONFIG) does not exist.`)
    return {}
  }
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new MeshCliError(`Config file ${path} is not valid JSON.`, {
      code: 'CONFIG_FILE_INVALID',
      details: (err as Error).message,
    })
  }
  return parseConfig(configFileSchema, raw, `config file ${path}`)
}

/**
 * Merges a command's options, highest first: the command line, `MESH_<OPTION>`
 * env vars (`--data-dir` → `MESH_DATA_DIR`), `mesh.config.json` (its section
 * for the command, then its top level), then the schema's defaults. Env values
 * are strings; numbers and booleans are coerced by the schema's field type.
 */
export function resolveOptions<S extends z.ZodObject>(
  command: string,
  schema: S,
  cli: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  const file = readConfigFile(process.cwd(), env)
  const section = (file[command] ?? {}) as Record<string, unknown>
  const merged: Record<string, unknown> = {}
  for (const key of Object.keys(schema.shape)) {
    const fromCli = cli[key]
    if (fromCli !== undefined) {
      merged[key] = fromCli
      continue
    }
    const fromEnv = env[camelToEnv(key)]
    if (fromEnv !== undefined && fromEnv !== '') {
      merged[key] = fromEnv
      continue
    }
    if (section[key] !== undefined) merged[key] = section[key]
    else if (file[key] !== undefined && typeof file[key] !== 'object') merged[key] = file[key]
  }
  return parseConfig(schema, merged, `options for \`mesh ${command}\``)
}

/** A number option: accepts numbers and decimal strings (from argv or env). */
export function num(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max)
}

/** A boolean option: accepts booleans and "1"/"0"/"true"/"false" (from env). */
export const bool = z
  .union([z.boolean(), z.enum(['1', '0', 'true', 'false'])])
  .transform((v) => v === true || v === '1' || v === 'true')

/** Options every command has. */
export const globalShape = {
  json: bool.default(false),
  debug: bool.default(false),
}

export { camelToEnv }
