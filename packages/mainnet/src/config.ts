import { chainNodeConfigFields } from '@rollup-mesh/chain'
import {
  addressSchema,
  bigintSchema,
  devAccounts,
  fixedHexSchema,
  MAINNET_NETWORK,
  parseConfig,
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
} as const

/** The main-net config file / init object. */
export const mainnetConfigSchema = z
  .object({
    ...chainNodeConfigFields,
    chainId: chainNodeConfigFields.chainId.default(defaultMainnetOptions.chainId),
    /** Directory for chain.db, the p2p identity and rpc.json; created when missing. */
    dataDir: chainNodeConfigFields.dataDir,
    blockTimeMs: z.number().int().min(10).max(60_000).default(defaultMainnetOptions.blockTimeMs),
    blockGasLimit: bigintSchema.default(defaultMainnetOptions.blockGasLimit),
    /** The EVM engine of the executor and `eth_call`/`eth_estimateGas` (dual-vm's `fast` or `ethereumjs`); absent: dual-vm's default. */
    evm: z.enum(['fast', 'ethereumjs']).optional(),
    /** With the fast engine: the fraction of transactions (0 to 1) also run on ethereumjs and compared (`EvmMismatchError`). */
    verifyEvm: z.number().min(0).max(1).default(0),
    /** The validator's secp256k1 key: signs every block header gossiped on the main-net header topic (and is the coinbase). */
    validatorKey: privateKeySchema.default(defaultMainnetOptions.validatorKey),
    /** Owner of SPNRegistry (registers/deregisters SPNs); default the validator's address. */
    governance: addressSchema.optional(),
    /** Least bond (wei) an SPN registration must carry. */
    minBond: bigintSchema.default(defaultMainnetOptions.minBond),
    /** Hardware root CAs (PEM) the quote verifier trusts instead of the Intel SGX Root CA. */
    teeTrustedRootsPem: z.array(z.string().min(1)).optional(),
    /** BFT consensus among validators; absent: this node alone is the validator (1-signer certificates). */
    consensus: z
      .object({
        /** The genesis validator set (every PoP is checked at start: validatorSetFromGenesis). */
        validators: z
          .array(
            z
              .object({
                address: addressSchema,
                blsPublicKey: fixedHexSchema(48),
                proofOfPossession: fixedHexSchema(96),
                power: z.number().int().positive(),
              })
              .strict(),
          )
          .min(1)
          .max(256),
        /** This validator's BLS secret seed (32 bytes hex); absent on a node that is not a validator. */
        blsSeed: fixedHexSchema(32).optional(),
        epochLength: z.number().int().positive().default(100),
        timeouts: z
          .object({
            proposeMs: z.number().int().positive().optional(),
            prevoteMs: z.number().int().positive().optional(),
            precommitMs: z.number().int().positive().optional(),
            deltaMs: z.number().int().nonnegative().optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    p2p: z
      .object({
        enabled: z.boolean().default(true),
        listen: z.array(z.string()).default(['/ip4/127.0.0.1/tcp/0']),
        announce: z.array(z.string()).optional(),
        bootstrap: z.array(z.string()).default([]),
      })
      .prefault({}),
  })
  .strict()

export type MainnetConfigInput = z.input<typeof mainnetConfigSchema>
export type MainnetConfig = z.output<typeof mainnetConfigSchema>

export function parseMainnetConfig(input: unknown): MainnetConfig {
  return parseConfig(mainnetConfigSchema, input, 'main-net configuration')
}
