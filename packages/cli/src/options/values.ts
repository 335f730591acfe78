import { z } from '@rollup-mesh/core'

/** An integer option: a number or a decimal string (argv, env). */
export function num(min: number, max: number) {
  const expected = `expected an integer from ${min} to ${max}`
  return z.coerce
    .number({ error: expected })
    .int({ error: expected })
    .min(min, { error: expected })
    .max(max, {
      error: expected,
    })
}

/** A boolean option: a boolean, or "1"/"0"/"true"/"false" (env). */
export const bool = z
  .union([z.boolean(), z.enum(['1', '0', 'true', 'false'])], { error: 'expected true, false, 1 or 0' })
  .transform((v) => v === true || v === '1' || v === 'true')

/** A non-empty string. */
export const text = z.string({ error: 'expected a string' }).min(1, { error: 'expected a non-empty string' })

/** A list: an array (argv, config file), or from env a JSON array or one value. */
export const list = z.preprocess(
  (v) => (typeof v === 'string' ? (v.trimStart().startsWith('[') ? safeJson(v) : [v]) : v),
  z.array(z.string(), { error: 'expected a list of strings (a JSON array in env)' }),
)

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v)
  } catch {
    return v
  }
}

/** A comma-separated list (`a,b`), or an array (config file): trimmed, empty entries dropped. */
export const csv = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',') : v),
  z
    .array(z.string({ error: 'expected a comma-separated list' }), {
      error: 'expected a comma-separated list',
    })
    .transform((a) => a.map((x) => x.trim()).filter((x) => x.length > 0)),
)

/** One of `values`. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of ${values.join(', ')}` })
}
