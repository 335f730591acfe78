import { addressSchema, hexSchema, parseConfig, z } from '@rollup-mesh/core'
import { SettlementIdRequiredError } from './errors.js'

/** The `settlement` section of an SPN config file (see `bin.ts`). */
export const settlementConfigSchema = z
  .object({
    /** The SPN's numeric id on the main net; default the digits at the end of `spnId` (`spn1` → 1). */
    id: z.number().int().positive().optional(),
    mainnetRpcUrl: z.string().url(),
    mainnetChainId: z.number().int().positive().default(900),
    /** The operator's private key (SPNRegistry `operator`). */
    operatorKey: hexSchema,
    settlementAddress: addressSchema.optional(),
    intervalMs: z.number().int().min(100).max(3_600_000).default(2000),
    /** Settlement cadence while blocks carry no transactions (see the service); at least `intervalMs`. */
    idleIntervalMs: z.number().int().min(100).max(3_600_000).default(10_000),
    pollMs: z.number().int().min(10).max(60_000).default(250),
    /** Prove in a child process (default) at `proverNiceness` below the node's OS priority. */
    proverProcess: z.boolean().default(true),
    proverNiceness: z.number().int().min(0).max(19).default(10),
    /** The executor build the enclave measures (default dual-vm's dist/). */
    executorDir: z.string().optional(),
  })
  .strict()

export type SettlementConfigInput = z.input<typeof settlementConfigSchema>
export type SettlementConfig = z.output<typeof settlementConfigSchema>

export function parseSettlementConfig(input: unknown): SettlementConfig {
  return parseConfig(settlementConfigSchema, input, 'SPN settlement configuration')
}

/** `spn1` → 1n; an explicit `id` wins. */
export function numericSpnId(spnId: string, id: number | undefined): bigint {
  if (id !== undefined) return BigInt(id)
  const m = /(\d+)$/.exec(spnId)
  if (!m?.[1] || BigInt(m[1]) === 0n) throw new SettlementIdRequiredError(spnId)
  return BigInt(m[1])
}
