import { rmSync } from 'node:fs'
import { devAccounts } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import {
  blsSeedOf,
  type GenesisValidatorConfig,
  genesisValidatorOf,
} from '../../src/consensus/validatorKeys.js'
import { createMainnetNode, type MainnetConfigInput, type MainnetNode } from '../../src/index.js'
import { tempDir } from '../fixtures.js'

/** Round timeouts the in-process clusters use: short enough for tests, long enough for a loaded machine. */
export const TEST_TIMEOUTS = { proposeMs: 2_000, prevoteMs: 800, precommitMs: 800, deltaMs: 400 }

export type ValidatorClusterOptions = {
  /** Data-directory prefix (`mainnet-<prefix>-<i>-`). */
  prefix: string
  /** How many dev-account keys to derive (validators first; the rest are senders etc.). Default `validators`. */
  keys?: number
  /** How many of the keys are genesis validators. Default 4. */
  validators?: number
  blockTimeMs?: number
  /** `consensus.epochLength` (absent: the node's default). */
  epochLength?: number
}

/**
 * N main-net validators in this process (each its own data dir, libp2p host and RPC), as the mainnet e2e
 * tests start them: dev-account keys, genesis = the first `validators` keys, governance = validator 0,
 * `TEST_TIMEOUTS`; each node bootstraps from the ones already started. `close()` stops every node and
 * removes every directory (call it from `afterAll`).
 */
export function validatorCluster(options: ValidatorClusterOptions) {
  const count = options.validators ?? 4
  const keys = devAccounts(Math.max(count, options.keys ?? count)).map((a) => a.privateKey as Hex)
  const genesis: GenesisValidatorConfig[] = keys.slice(0, count).map((k) => genesisValidatorOf(k))
  const dirs: string[] = []
  /** Every node created (stopped ones and restarts included), in order. */
  const nodes: MainnetNode[] = []
  /** The nodes `start` returned, to bootstrap the next one from. */
  const started: MainnetNode[] = []

  const config = (i: number, dataDir: string, bootstrap: string[]): MainnetConfigInput => ({
    dataDir,
    chainId: 900,
    validatorKey: keys[i],
    blockTimeMs: options.blockTimeMs ?? 200,
    genesisTimestamp: 1_700_000_000,
    governance: genesis[0]!.address,
    consensus: {
      validators: genesis,
      blsSeed: blsSeedOf(keys[i]!),
      ...(options.epochLength ? { epochLength: options.epochLength } : {}),
      timeouts: TEST_TIMEOUTS,
    },
    p2p: { bootstrap },
  })

  return {
    keys,
    genesis,
    nodes,
    governance: genesis[0]!.address as Address,
    /** Starts validator `i` (any key index: one past the genesis set is a validator-to-be). */
    async start(i: number): Promise<MainnetNode> {
      const dataDir = tempDir(`mainnet-${options.prefix}-${i}-`)
      dirs.push(dataDir)
      const node = createMainnetNode({
        config: config(
          i,
          dataDir,
          started.flatMap((n) => n.p2p?.getMultiaddrs() ?? []),
        ),
      })
      nodes.push(node)
      await node.start()
      started.push(node)
      return node
    },
    /** Starts validators `0 … n-1` one after the other. */
    async startAll(n = count): Promise<MainnetNode[]> {
      const out: MainnetNode[] = []
      for (let i = 0; i < n; i++) out.push(await this.start(i))
      return out
    },
    /** Keeps a node created outside the cluster (a single validator, a restart) in `close()`'s care. */
    adopt(node: MainnetNode, dataDir?: string): MainnetNode {
      nodes.push(node)
      if (dataDir) dirs.push(dataDir)
      return node
    },
    async close(): Promise<void> {
      for (const n of nodes) await n.stop().catch(() => undefined)
      for (const d of dirs) rmSync(d, { recursive: true, force: true })
    },
  }
}

/** Polls `cond` every `pollMs` until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  pollMs = 200,
): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, pollMs))
  }
}

/** One JSON-RPC call to `node`; throws with the method and message on an error answer. */
export async function rpc(node: MainnetNode, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(node.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await res.json()) as { result?: unknown; error?: { message: string } }
  if (body.error) throw new Error(`${method}: ${body.error.message}`)
  return body.result
}
