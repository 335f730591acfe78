import type { z } from '@rollup-mesh/core'

/**
 * One option of a command, declared once. From it come the commander flag and its
 * `--help` line, the `MESH_<UPPER_SNAKE>` environment variable and the config-file
 * key (both named after the option's key in its {@link Declarations}), and the zod
 * type that validates the value whichever of those it came from.
 */
export type OptionDecl<S extends z.ZodType = z.ZodType> = {
  readonly kind: 'option'
  /** Commander's flag syntax: `-n, --spns <n>`, `--fresh`, `--no-wait`. Its attribute name must be the key. */
  readonly flag: string
  readonly description: string
  /** Validates (and coerces) the value; carries the default. */
  readonly schema: S
  /** The default as `--help` shows it; `undefined` when the option has none (or it is `false`). */
  readonly defaultText: string | undefined
  /** False for the option that names the config file itself (it cannot come from that file). */
  readonly inConfigFile: boolean
}

/** A positional argument (`<file>`, `[args...]`): from the command line only, validated with the options. */
export type ArgDecl<S extends z.ZodType = z.ZodType> = {
  readonly kind: 'arg'
  /** Commander's argument syntax: `<address>`, `[args...]`. */
  readonly syntax: string
  readonly description: string
  readonly schema: S
}

/** A command's options and arguments, keyed by their camelCase name (also the parsed option's name). */
export type Declarations = Record<string, OptionDecl | ArgDecl>

/** What a command's handler receives: every declaration parsed by its zod type. */
export type Parsed<D extends Declarations> = z.output<z.ZodObject<{ [K in keyof D]: D[K]['schema'] }>>

type OptionInput<T extends z.ZodType> = {
  flag: string
  description: string
  type: T
  /** Shown by `--help` for an option whose default is decided elsewhere (e.g. `.mesh`, resolved later). */
  defaultText?: string
  inConfigFile?: false
}

/**
 * Declares an option; with `default`, the parsed value is never undefined.
 *
 * @example
 * const spns = option({ flag: '-n, --spns <n>', description: 'number of SPNs', type: num(1, 16), default: 2 })
 * // → `-n, --spns <n>  number of SPNs (default: 2, env: MESH_SPNS)`, config key "spns"
 */
export function option<T extends z.ZodType>(
  d: OptionInput<T> & { default: z.output<T> & {} },
): OptionDecl<z.ZodDefault<T>>
export function option<T extends z.ZodType>(d: OptionInput<T>): OptionDecl<T>
export function option<T extends z.ZodType>(d: OptionInput<T> & { default?: z.output<T> }): OptionDecl {
  const hasDefault = d.default !== undefined
  return {
    kind: 'option',
    flag: d.flag,
    description: d.description,
    schema: hasDefault ? d.type.default(d.default as never) : d.type,
    defaultText:
      d.defaultText ??
      (hasDefault && d.default !== false && !/^--no-/.test(longFlag(d.flag))
        ? JSON.stringify(d.default)
        : undefined),
    inConfigFile: d.inConfigFile ?? true,
  }
}

/** Declares a positional argument. */
export function arg<T extends z.ZodType>(d: { syntax: string; description: string; type: T }): ArgDecl<T> {
  return { kind: 'arg', syntax: d.syntax, description: d.description, schema: d.type }
}

/** `dataDir` → `MESH_DATA_DIR`: the environment variable of an option. */
export function envName(key: string): string {
  return `MESH_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`
}

/** `-d, --data-dir <dir>` → `--data-dir`. */
export function longFlag(flag: string): string {
  return /--[a-z0-9-]+/i.exec(flag)?.[0] ?? flag
}
