import { addressSchema, bigintSchema, hexSchema, portSchema, z } from '@rollup-mesh/core'
import { hostNameOf } from '../rpc/hostPolicy.js'
import { normalizeOrigin } from '../rpc/originPolicy.js'

/** Defaults of what every node's config shares (one place, lodestar-style). */
export const defaultChainNodeConfig = {
  /** WAL checkpoints of `<dataDir>/chain.db` run on a thread of their own this often, not inside block commits. */
  checkpointIntervalMs: 1_000,
  rpcHost: '127.0.0.1',
  rpcPort: 0,
  rpcMaxBodyBytes: 16 * 1024 * 1024,
  rpcMaxBatchSize: 2_000,
  /**
   * Threads answering read-only RPC (receipts, blocks, transactions, logs) from their own read-only
   * connection to chain.db, off the thread that seals blocks; 0: on that thread (ARCHITECTURE: throughput).
   */
  rpcReadWorkers: 1,
  /**
   * With decode threads, an HTTP body carrying `eth_sendRawTransaction` is JSON-parsed and its transactions
   * decoded there, not on the thread that seals blocks (ARCHITECTURE: throughput, session 10).
   */
  rpcIngress: true,
  maxTxsPerBlock: 5_000,
  mempoolMaxSize: 50_000,
  mempoolMaxNonceGap: 64,
  devAccounts: 10,
  /** Wei per dev account: 10,000 ETH like anvil. */
  devBalance: 10_000n * 10n ** 18n,
  logLevel: 'info',
  /** A dev network (what `mesh up` starts): dev accounts sign, dev methods answer. A production config sets `dev: false`. */
  dev: true,
  /** Blocks of state history kept (historical `eth_getBalance`, `eth_call`, ...): every block, as on a dev chain. */
  historyBlocks: 'all',
} as const

/** One entry of `rpc.corsOrigins`: `*` or an origin (`scheme://host[:port]`, no path). */
const corsOriginSchema = z.string().refine((o) => o.trim() === '*' || normalizeOrigin(o) !== undefined, {
  message: 'expected an origin, scheme://host[:port] without a path (e.g. http://localhost:5173), or *',
})

/** One entry of `rpc.allowedHosts`: `*` or a host name / IP address (no scheme, path; a port is ignored). */
const allowedHostSchema = z
  .string()
  .refine((h) => h.trim() === '*' || (!h.includes('/') && hostNameOf(h) !== undefined), {
    message:
      'expected a host name or IP address without scheme or path (e.g. node1.example.org, 10.0.0.5), or *',
  })

/** One account of a config's `alloc`. */
export const genesisAccountSchema = z.object({
  balance: bigintSchema.optional(),
  nonce: bigintSchema.optional(),
  code: hexSchema.optional(),
  storage: z.record(z.string(), hexSchema).optional(),
})

/**
 * The config fields every node (SPN, main net) has, as zod fields to spread into a node's schema; the
 * node adds what differs (ids, executor, p2p defaults, keys).
 */
export const chainNodeConfigFields = {
  chainId: z
    .number()
    .int()
    .positive()
    .max(2 ** 48),
  /** A dev network: the dev methods (`anvil_`, `evm_`, `hardhat_`) and dev-account signing exist. Off for production. */
  dev: z.boolean().default(defaultChainNodeConfig.dev),
  /** Directory for chain.db and rpc.json; created when missing. */
  dataDir: z.string().min(1),
  /** State history kept for reads at older blocks: `'all'` (default), the newest `blocks` blocks, or 0 (none). */
  history: z
    .object({
      blocks: z
        .union([z.number().int().nonnegative(), z.literal('all')])
        .default(defaultChainNodeConfig.historyBlocks),
    })
    .prefault({}),
  /** Most transactions per block. */
  maxTxsPerBlock: z.number().int().positive().default(defaultChainNodeConfig.maxTxsPerBlock),
  /** How many anvil dev accounts to fund (and sign for in eth_sendTransaction). */
  devAccounts: z.number().int().min(0).max(1000).default(defaultChainNodeConfig.devAccounts),
  /** Wei per dev account. */
  devBalance: bigintSchema.default(defaultChainNodeConfig.devBalance),
  /** Extra genesis accounts (system contracts, more funds). */
  alloc: z.record(addressSchema, genesisAccountSchema).default({}),
  genesisTimestamp: bigintSchema.optional(),
  rpc: z
    .object({
      /** Bind address; 127.0.0.1 by default. Another address exposes the node to whoever reaches it. */
      host: z.string().min(1).default(defaultChainNodeConfig.rpcHost),
      port: portSchema.default(defaultChainNodeConfig.rpcPort),
      /** Browser origins allowed (CORS, WebSocket `Origin`); `*` any. Default none. */
      corsOrigins: z.array(corsOriginSchema).default([]),
      /** The old single-origin field, still read: it joins `corsOrigins`. */
      corsOrigin: corsOriginSchema.optional(),
      /** `Host` names accepted besides the loopback names and the bind address; `*` any. */
      allowedHosts: z.array(allowedHostSchema).default([]),
      /** Expose the unsafe methods (signing, dev methods) on a non-loopback bind too. */
      allowUnsafe: z.boolean().default(false),
      maxBodyBytes: z.number().int().positive().default(defaultChainNodeConfig.rpcMaxBodyBytes),
      maxBatchSize: z.number().int().positive().default(defaultChainNodeConfig.rpcMaxBatchSize),
      /** Read-only RPC worker threads (0: reads on the block thread). */
      readWorkers: z.number().int().min(0).max(16).default(defaultChainNodeConfig.rpcReadWorkers),
      /** Parse bodies carrying transactions on the decode threads (with `decodeWorkers` > 0); false: here. */
      ingress: z.boolean().default(defaultChainNodeConfig.rpcIngress),
    })
    .transform(({ corsOrigin, ...rpc }) => ({
      ...rpc,
      corsOrigins:
        corsOrigin !== undefined && !rpc.corsOrigins.includes(corsOrigin)
          ? [...rpc.corsOrigins, corsOrigin]
          : rpc.corsOrigins,
    }))
    .prefault({}),
  mempool: z
    .object({
      maxSize: z.number().int().positive().default(defaultChainNodeConfig.mempoolMaxSize),
      maxNonceGap: z.number().int().nonnegative().default(defaultChainNodeConfig.mempoolMaxNonceGap),
    })
    .prefault({}),
  logLevel: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
    .default(defaultChainNodeConfig.logLevel),
}

/** A parsed genesis account of a config's `alloc`. */
export type GenesisAccountConfig = z.output<typeof genesisAccountSchema>

/** What the node skeleton reads from a parsed node config (SPN and main-net configs both fit). */
export type ChainNodeConfig = {
  chainId: number
  /** A dev network (dev methods and dev-account signing); see `chainNodeConfigFields.dev`. */
  dev: boolean
  dataDir: string
  /** State history kept (default: every block). */
  history?: { blocks: number | 'all' } | undefined
  blockTimeMs: number
  blockGasLimit: bigint
  maxTxsPerBlock: number
  coinbase?: `0x${string}` | undefined
  devAccounts: number
  devBalance: bigint
  alloc: Record<string, GenesisAccountConfig>
  genesisTimestamp?: bigint | undefined
  /** Worker threads for sender recovery (0 or absent: on the main thread). */
  decodeWorkers?: number
  /**
   * Where the blocks the node seals commit: `'writer'`, a thread of their own (`CommitWriter`: block N
   * commits while N+1 executes), or `'inline'` (absent: inline; the main net's consensus always commits
   * inline).
   */
  commit?: 'writer' | 'inline' | undefined
  rpc: {
    host: string
    port: number
    corsOrigins: string[]
    allowedHosts: string[]
    allowUnsafe: boolean
    maxBodyBytes: number
    maxBatchSize: number
    /** Read-only RPC worker threads (absent: `defaultChainNodeConfig.rpcReadWorkers`; 0: none). */
    readWorkers?: number | undefined
    /** Transaction bodies parsed on the decode threads (absent: `defaultChainNodeConfig.rpcIngress`). */
    ingress?: boolean | undefined
  }
  mempool: { maxSize: number; maxNonceGap: number }
  p2p: { enabled: boolean; listen: string[]; announce?: string[] | undefined; bootstrap: string[] }
}
