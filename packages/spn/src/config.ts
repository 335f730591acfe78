import { addressSchema, bigintSchema, hexSchema, parseConfig, portSchema, z } from '@rollup-mesh/core'
import { p2pConfigSchema } from '@rollup-mesh/p2p'
import { settlementConfigSchema } from './settlement/config.js'

/** Defaults every SPN init field falls back to (one place, lodestar-style). */
export const defaultSPNOptions = {
  blockTimeMs: 500,
  blockGasLimit: 1_000_000_000n,
  rpcHost: '127.0.0.1',
  rpcPort: 0,
} as const

const genesisAccountSchema = z.object({
  balance: bigintSchema.optional(),
  nonce: bigintSchema.optional(),
  code: hexSchema.optional(),
  storage: z.record(z.string(), hexSchema).optional(),
})

/** The SPN config file / init object. */
export const spnConfigSchema = z
  .object({
    /** The SPN's id on the mesh (`spn1`). */
    spnId: z.string().min(1).max(64).default('spn1'),
    chainId: z
      .number()
      .int()
      .positive()
      .max(2 ** 48),
    /** Directory for chain.db and rpc.json; created when missing. */
    dataDir: z.string().min(1),
    blockTimeMs: z.number().int().min(10).max(60_000).default(defaultSPNOptions.blockTimeMs),
    blockGasLimit: bigintSchema.default(defaultSPNOptions.blockGasLimit),
    /**
     * `serial` (default) or dual-vm's optimistic `parallel` executor with `executorWorkers` executing threads
     * (the node's own thread included, so `executorWorkers - 1` worker threads; default: the core count).
     */
    executor: z.enum(['serial', 'parallel']).default('serial'),
    executorWorkers: z.number().int().min(1).max(64).optional(),
    /**
     * With the parallel executor: execute every block serially too; when the results differ the block is
     * not produced and `ParallelMismatchError` (first differing transaction and field) is logged as an
     * error. A self-check at about twice the CPU.
     */
    verifyParallel: z.boolean().default(false),
    /** Worker threads for sender recovery (0 = on the main thread). */
    decodeWorkers: z.number().int().min(0).max(16).default(1),
    /** Most transactions per block. */
    maxTxsPerBlock: z.number().int().positive().default(5_000),
    coinbase: addressSchema.optional(),
    /** How many anvil dev accounts to fund (and sign for in eth_sendTransaction). */
    devAccounts: z.number().int().min(0).max(1000).default(10),
    /** Wei per dev account; default 10,000 ETH like anvil. */
    devBalance: bigintSchema.default(10_000n * 10n ** 18n),
    /** Extra genesis accounts (system contracts, more funds). */
    alloc: z.record(addressSchema, genesisAccountSchema).default({}),
    genesisTimestamp: bigintSchema.optional(),
    rpc: z
      .object({
        host: z.string().default(defaultSPNOptions.rpcHost),
        port: portSchema.default(defaultSPNOptions.rpcPort),
        corsOrigin: z.string().optional(),
        maxBodyBytes: z
          .number()
          .int()
          .positive()
          .default(16 * 1024 * 1024),
        maxBatchSize: z.number().int().positive().default(2_000),
      })
      .prefault({}),
    mempool: z
      .object({
        maxSize: z.number().int().positive().default(50_000),
        maxNonceGap: z.number().int().nonnegative().default(64),
      })
      .prefault({}),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    /**
     * libp2p (p2p's `p2pConfigSchema` plus `enabled`, default off): the SPN follows the main net's gossip and
     * serves its exit batches to other SPNs, which need them to deliver its messages. `mesh up` turns it on.
     */
    p2p: p2pConfigSchema.extend({ enabled: z.boolean().default(false) }).prefault({}),
    /** Settle to the main net (Mailbox, exit tree and settlement service); see src/settlement. */
    settlement: settlementConfigSchema.optional(),
  })
  .strict()

export type SPNConfigInput = z.input<typeof spnConfigSchema>
export type SPNConfig = z.output<typeof spnConfigSchema>

export function parseSPNConfig(input: unknown): SPNConfig {
  return parseConfig(spnConfigSchema, input, 'SPN configuration')
}
