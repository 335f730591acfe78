import { isAddress, isHex } from 'viem'
import { z } from 'zod'
import type { ConfigIssue } from './errors/common.js'
import { InvalidConfigError } from './errors/common.js'

/**
 * Parses `input` with `schema`; on failure throws one `InvalidConfigError`
 * whose meta messages name every bad field (`rpc.port: expected a number`).
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what = 'configuration',
): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const issues: ConfigIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }))
  throw new InvalidConfigError({ what, issues })
}

/** 0x-prefixed hex of any length. */
export const hexSchema = z.string().refine((v) => isHex(v, { strict: true }), {
  message: 'expected 0x-prefixed hex',
}) as unknown as z.ZodType<`0x${string}`>

/** 0x-prefixed hex of exactly `bytes` bytes. */
export function fixedHexSchema(bytes: number): z.ZodType<`0x${string}`> {
  const re = new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`)
  return z
    .string()
    .regex(re, `expected 0x-prefixed hex of ${bytes} bytes`) as unknown as z.ZodType<`0x${string}`>
}

/** A 20-byte address, checksummed or all-lowercase. */
export const addressSchema = z.string().refine((v) => isAddress(v), {
  message: 'expected a 20-byte address (0x + 40 hex characters)',
}) as unknown as z.ZodType<`0x${string}`>

/** A 32-byte private key. */
export const privateKeySchema = fixedHexSchema(32)

/** A TCP port; 0 asks the OS for a free one. */
export const portSchema = z.number().int().min(0).max(65535)

/** A non-negative integer given as a number, a decimal string or hex, parsed to bigint (wei amounts). */
export const bigintSchema = z
  .union([z.bigint(), z.number().int().nonnegative(), z.string().regex(/^(0x[0-9a-fA-F]+|[0-9]+)$/)])
  .transform((v) => BigInt(v))
  .refine((v) => v >= 0n, { message: 'expected a non-negative integer' })

export { z }
