import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { MeshCliError } from '../errors.js'

/** The config file read from the working directory when neither `--config` nor `MESH_CONFIG` names one. */
export const CONFIG_FILE = 'mesh.config.json'

export type ConfigFile = {
  /** Absolute path; set even when the default file does not exist. */
  path: string
  /** The parsed JSON object (`{}` when there is no file). */
  values: Record<string, unknown>
}

/**
 * Reads the config file: `named` (from `--config` or `MESH_CONFIG`) or `mesh.config.json` in
 * `cwd`. Its keys are the options' camelCase names; top-level keys apply to every command, a
 * section named after a command to it only (`{ "dataDir": "/tmp/m", "up": { "spns": 3 } }`).
 */
export function readConfigFile(named: string | undefined, cwd: string): ConfigFile {
  const path = resolve(cwd, named ?? CONFIG_FILE)
  if (!existsSync(path)) {
    if (named)
      throw new MeshCliError(`Config file ${path} does not exist.`, {
        code: 'CONFIG_FILE_MISSING',
        metaMessages: ['- Check the path given by --config or MESH_CONFIG.'],
      })
    return { path, values: {} }
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
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new MeshCliError(`Config file ${path} must hold one JSON object.`, {
      code: 'CONFIG_FILE_INVALID',
      metaMessages: ['- Its keys are option names: { "dataDir": ".mesh", "up": { "spns": 3 } }.'],
    })
  return { path, values: raw as Record<string, unknown> }
}
