import {
  addressSchema,
  bigintSchema,
  devAccounts,
  hexSchema,
  MAINNET_NETWORK,
  parseConfig,
  portSchema,
  privateKeySchema,
  z,
} from '@rollup-mesh/core'
import { topicName } from '@rollup-mesh/p2p/wire'
import { TEE_TYPE } from '@rollup-mesh/tee-attest'
import { EXIT_TREE_DEPTH } from '@rollup-mesh/zk-bridge'

/** The main net's network name in topics and configs. */

const devKey = devAccounts(1)[0]?.privateKey as `0x${string}`

/** Defaults of the main-net node (one place, lodestar-style). */
export const defaultMainnetOptions = {
  chainId: 900,
  blockTimeMs: 1000,
  blockGasLimit: 60_000_000n,
  headersTopic: topicName(MAINNET_NETWORK, 'headers'),
  exitTreeDepth: EXIT_TREE_DEPTH,
  acceptedTeeTypes: [TEE_TYPE.sgx],
  /** Anvil's dev account 0: the single validator and the governance key of a dev main net. */
  validatorKey: devKey,
  minBond: 10n ** 18n,
  rpcHost: '127.0.0.1',
  rpcPort: 0,
} as const

const genesisAccountSchema = z.object({
  balance: bigintSchema.optional(),
  nonce: bigintSchema.optional(),
  code: hexSchema.optional(),
  storage: z.record(z.string(), hexSchema).optional(),
})

/** The main-net config file / init object. */
export const mainnetConfigSchema = z
  .object({
    chainId: z
      .number()
      .int()
      .positive()
      .max(2 ** 48)
      .default(defaultMainnetOptions.chainId),
    /** Directory for chain.db, the p2p identity and rpc.json; created when missing. */
    dataDir: z.string().min(1),
    blockTimeMs: z.number().int().min(10).max(60_000).default(defaultMainnetOptions.blockTimeMs),
    blockGasLimit: bigintSchema.default(defaultMainnetOptions.blockGasLimit),
    maxTxsPerBlock: z.number().int().positive().default(5_000),
    /** The validator's secp256k1 key: signs every block header gossiped on the main-net header topic (and is the coinbase). */
    validatorKey: privateKeySchema.default(defaultMainnetOptions.validatorKey),
    /** Owner of SPNRegistry (registers/deregisters SPNs); default the validator's address. */
    governance: addressSchema.optional(),
    /** Least bond (wei) an SPN registration must carry. */
    minBond: bigintSchema.default(defaultMainnetOptions.minBond),
    devAccounts: z.number().int().min(0).max(1000).default(10),
    devBalance: bigintSchema.default(10_000n * 10n ** 18n),
    alloc: z.record(addressSchema, genesisAccountSchema).default({}),
    genesisTimestamp: bigintSchema.optional(),
    /** Hardware root CAs (PEM) the quote verifier trusts instead of the Intel SGX Root CA. */
    teeTrustedRootsPem: z.array(z.string().min(1)).optional(),
    rpc: z
      .object({
        host: z.string().default(defaultMainnetOptions.rpcHost),
        port: portSchema.default(defaultMainnetOptions.rpcPort),
        corsOrigin: z.string().optional(),
        maxBodyBytes: z
          .number()
          .int()
          .positive()
          .default(16 * 1024 * 1024),
        maxBatchSize: z.number().int().positive().default(2_000),
      })
      .prefault({}),
    p2p: z
      .object({
        enabled: z.boolean().default(true),
        listen: z.array(z.string()).default(['/ip4/127.0.0.1/tcp/0']),
        announce: z.array(z.string()).optional(),
        bootstrap: z.array(z.string()).default([]),
      })
      .prefault({}),
    mempool: z
      .object({
        maxSize: z.number().int().positive().default(50_000),
        maxNonceGap: z.number().int().nonnegative().default(64),
      })
      .prefault({}),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  })
  .strict()

export type MainnetConfigInput = z.input<typeof mainnetConfigSchema>
export type MainnetConfig = z.output<typeof mainnetConfigSchema>

export function parseMainnetConfig(input: unknown): MainnetConfig {
  return parseConfig(mainnetConfigSchema, input, 'main-net configuration')
}
