import { chainNodeConfigFields } from '@rollup-mesh/chain'
import { addressSchema, bigintSchema, parseConfig, z } from '@rollup-mesh/core'
import { p2pConfigSchema } from '@rollup-mesh/p2p'
import { settlementConfigSchema } from './settlement/config.js'

/** Defaults every SPN init field falls back to (one place, lodestar-style). */
export const defaultSPNOptions = {
  blockTimeMs: 500,
  blockGasLimit: 1_000_000_000n,
} as const

/** The SPN config file / init object. */
export const spnConfigSchema = z
  .object({
    /** The SPN's id on the mesh (`spn1`). */
    spnId: z.string().min(1).max(64).default('spn1'),
    ...chainNodeConfigFields,
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
    /**
     * The EVM engine of the node's executor (its worker threads included) and `eth_call`/`eth_estimateGas`:
     * dual-vm's synchronous `fast` interpreter or `ethereumjs`. Absent: dual-vm's default.
     */
    evm: z.enum(['fast', 'ethereumjs']).optional(),
    /**
     * With the fast engine: re-execute this fraction of transactions (0 to 1, sampled by hash) on ethereumjs
     * and compare; a difference (`EvmMismatchError`, naming the transaction and field) fails the block.
     */
    verifyEvm: z.number().min(0).max(1).default(0),
    /** Worker threads for sender recovery (0 = on the main thread). */
    decodeWorkers: z.number().int().min(0).max(16).default(1),
    /**
     * Where sealed blocks commit: `writer`, chain's `CommitWriter` thread with its own SQLite connection
     * (block N commits while N+1 executes; the head, receipts and `newHeads` advance once N is durable),
     * or `inline` on the block thread. Default `writer` since session 13: not slower in user mode, measured
     * (ARCHITECTURE.md "The pipelined commit", packages/spn/BENCHMARKS.md).
     */
    commit: z.enum(['writer', 'inline']).default('writer'),
    coinbase: addressSchema.optional(),
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
