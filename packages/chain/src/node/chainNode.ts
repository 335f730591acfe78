import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { DevAccount, Logger, Startable } from '@rollup-mesh/core'
import type { Address } from 'viem'
import { Chain } from '../chain.js'
import { CommitWriter } from '../commitWriter.js'
import { createInlineDecoder, createTxDecoderPool } from '../decoder.js'
import { createNodeMetrics, type NodeMetrics } from '../metrics/nodeMetrics.js'
import { type BlockProducer, createIntervalBlockProducer } from '../producer.js'
import { createAccessListMethods } from '../rpc/accessList.js'
import { createBlockQueryMethods } from '../rpc/blockQueries.js'
import { createContractAbiMethods } from '../rpc/contractAbis.js'
import { createDebugMethods } from '../rpc/debug.js'
import { createDevBlockMethods } from '../rpc/devBlocks.js'
import { createDevStateMethods } from '../rpc/devState.js'
import { createEthMethods } from '../rpc/eth.js'
import { createFilterMethods } from '../rpc/filters.js'
import { createImpersonationMethods, Impersonation } from '../rpc/impersonation.js'
import { createSendIngress } from '../rpc/ingress.js'
import { READ_METHOD_NAMES } from '../rpc/readMethods.js'
import { createReadPool, type ReadPool } from '../rpc/readPool.js'
import { createReadRouter, type ReadRouter } from '../rpc/readRouter.js'
import { createRPCServer, type RPCMethods } from '../rpc/server.js'
import { createSigningMethods } from '../rpc/signing.js'
import { createSnapshotMethods } from '../rpc/snapshots.js'
import { createStateDumpMethods } from '../rpc/stateDump.js'
import { createTxpoolMethods } from '../rpc/txpool.js'
import { recoveryBackend } from '../secp256k1.js'
import { ChainStore } from '../store.js'
import { commitCrashHookFromEnv } from '../storeCrashHook.js'
import { type ChainNodeConfig, defaultChainNodeConfig } from './config.js'
import { devAccountsOf, nodeGenesisAlloc } from './genesisAlloc.js'
import type { NodeNetwork, NodeNetworkOptions } from './network.js'
import { nodeInfoBase } from './nodeInfo.js'
import { writeRPCFile } from './rpcFile.js'
import { mempoolIntrinsicGas, type NodeGenesisAlloc, type NodeVM } from './vm.js'

/** A node's own long-lived part (settlement, delivery); `start`/`stop` are optional (an exit tree has none). */
export type NodeService = { start?(): Promise<void>; stop?(): Promise<void> }

/** What the node's factories get: the parts the skeleton built. */
export type NodeComponents<C extends ChainNodeConfig, N extends NodeNetwork> = {
  config: C
  chain: Chain
  store: ChainStore
  /** `<dataDir>/chain.db`. */
  storePath: string
  logger: Logger
  /** The config's dev accounts (derived once: BIP-39 derivation is slow). */
  devAccounts: readonly DevAccount[]
  /** The libp2p host once started (`p2p.enabled`). */
  p2p(): N | undefined
  /** The node's Prometheus metrics (`GET /metrics`); services register theirs in `metrics.registry`. */
  metrics: NodeMetrics
}

/** The components plus the node's services (what `methods`, `info` and `network` see). */
export type NodeContext<C extends ChainNodeConfig, N extends NodeNetwork, S> = NodeComponents<C, N> & {
  services: S
}

export type ChainNodeInit<C extends ChainNodeConfig, N extends NodeNetwork, S> = {
  /** `mesh_nodeInfo`'s `role` (`spn`, `mainnet`). */
  role: string
  /** The parsed config. */
  config: C
  /** The node's logger (already the node's child). */
  logger: Logger
  /** `web3_clientVersion`. */
  clientVersion: string
  /** The execution side: executor, call simulator, intrinsic gas, genesis write set. */
  vm: (components: { storePath: string; logger: Logger }) => NodeVM
  /** Genesis accounts of the node's own (system contracts), between the dev accounts and the config's `alloc`. */
  genesis?: () => NodeGenesisAlloc
  /** Block coinbase; default the config's `coinbase`, else the zero address. */
  coinbase?: Address
  /** Replaces the interval producer (consensus, tests that seal by hand). */
  producer?: (chain: Chain) => BlockProducer
  /** The node's own services; started after the producer in key order, stopped first in reverse order. */
  services?: (components: NodeComponents<C, N>) => S
  /** Creates the (unstarted) libp2p host when `config.p2p.enabled`; started before RPC, stopped after the last block. */
  network?: (options: NodeNetworkOptions, context: NodeContext<C, N, S>) => Promise<N>
  /** The node's own RPC methods (`mesh_`), merged over `eth_` and `mesh_nodeInfo`. */
  methods?: (context: NodeContext<C, N, S>) => RPCMethods
  /** The node's own `mesh_nodeInfo` fields, merged over the shared ones. */
  info?: (context: NodeContext<C, N, S>) => Record<string, unknown>
  /** Extra fields of the `chain opened` log line. */
  openedLog?: Record<string, unknown>
}

export type ChainNode<C extends ChainNodeConfig, N extends NodeNetwork, S> = Startable & {
  readonly config: C
  readonly chain: Chain
  readonly services: S
  /** `http://host:port` once started. */
  readonly rpcUrl: string
  readonly wsUrl: string
  /** The libp2p host once started (`p2p.enabled`). */
  readonly p2p: N | undefined
  /** What `mesh_nodeInfo` returns. */
  nodeInfo(): Record<string, unknown>
}

/**
 * A transaction lookup the main thread answers at once: a pooled transaction has no receipt and is served
 * by hash from the pool (a read worker's store knows nothing of it).
 */
function pooledTxLookup(chain: Chain, method: string, params: readonly unknown[]): boolean {
  return (
    (method === 'eth_getTransactionReceipt' || method === 'eth_getTransactionByHash') &&
    typeof params[0] === 'string' &&
    chain.mempool.has(params[0] as `0x${string}`)
  )
}

const startsAndStops = (s: unknown): s is Required<NodeService> =>
  typeof (s as NodeService | undefined)?.start === 'function' &&
  typeof (s as NodeService | undefined)?.stop === 'function'

/**
 * The node skeleton shared by the SPN and the main net: chain store in `<dataDir>/chain.db`, sender
 * decoder, `Chain` with its mempool, genesis from the dev accounts + the node's accounts + the config's
 * `alloc`, JSON-RPC (`eth_`, `mesh_nodeInfo` and the node's methods), the interval producer and
 * `<dataDir>/rpc.json`. The node passes what differs: the VM, genesis accounts, services, libp2p, methods.
 *
 * `start()`: open the chain (genesis or resume), start libp2p, the executor, RPC, the producer, the
 * services, then write `rpc.json`. `stop()`: the services (reverse order), the producer, the block in
 * progress, libp2p, RPC, the mempool flush, the executor, the decoder and the store.
 *
 * @example
 * ```ts
 * import { createChainNode } from '@rollup-mesh/chain'
 * // the VM parts are dual-vm's (createSerialExecutor, simulateCall, intrinsicGas, genesisWriteSet):
 * // the node imports them, chain never does
 *
 * const node = createChainNode({
 *   role: 'devnet',
 *   config, // a parsed config with `chainNodeConfigFields` (chainId, dataDir, rpc, mempool, …)
 *   logger,
 *   clientVersion: 'devnet/0.1.0',
 *   vm: () => ({ executor: createSerialExecutor(), simulateCall, intrinsicGas, genesisWriteSet }),
 * })
 * await node.start()
 * console.log(node.rpcUrl) // http://127.0.0.1:<port>
 * await node.stop()
 * ```
 */
export function createChainNode<C extends ChainNodeConfig, N extends NodeNetwork, S = Record<never, never>>(
  init: ChainNodeInit<C, N, S>,
): ChainNode<C, N, S> {
  const { config, logger } = init
  mkdirSync(config.dataDir, { recursive: true })
  const storePath = join(config.dataDir, 'chain.db')
  const store = new ChainStore({
    path: storePath,
    checkpointIntervalMs: defaultChainNodeConfig.checkpointIntervalMs,
    history: { blocks: config.history?.blocks ?? defaultChainNodeConfig.historyBlocks },
    // crash tests only (MESH_TEST_CRASH_IN_COMMIT): kill -9 inside a block's SQLite transaction
    inCommit: commitCrashHookFromEnv(),
  })
  // blocks commit on a thread of their own (block N while N+1 executes): `commit: 'writer'`
  const commitWriter =
    config.commit === 'writer'
      ? CommitWriter.start({
          path: storePath,
          history: { blocks: config.history?.blocks ?? defaultChainNodeConfig.historyBlocks },
        })
      : undefined
  const vm = init.vm({ storePath, logger })
  const chainId = BigInt(config.chainId)
  const decoder =
    config.decodeWorkers !== undefined && config.decodeWorkers > 0
      ? createTxDecoderPool({ chainId, workers: config.decodeWorkers })
      : createInlineDecoder(chainId)
  const coinbase = init.coinbase ?? config.coinbase
  const chain = new Chain(
    {
      chainId,
      blockGasLimit: config.blockGasLimit,
      maxTxsPerBlock: config.maxTxsPerBlock,
      ...(coinbase ? { coinbase } : {}),
      mempool: {
        maxSize: config.mempool.maxSize,
        maxNonceGap: BigInt(config.mempool.maxNonceGap),
        intrinsicGas: mempoolIntrinsicGas(vm),
      },
    },
    {
      store,
      executor: vm.executor,
      simulateCall: vm.simulateCall,
      decoder,
      logger,
      ...(vm.commitWriteSet ? { commitWriteSet: vm.commitWriteSet } : {}),
      ...(commitWriter ? { commitWriter } : {}),
    },
  )
  // the history index is built while nothing waits in the pool (ARCHITECTURE: history off the block path)
  store.setHistoryBusy(() => chain.mempool.size > 0)
  const dev = devAccountsOf(config)
  let p2p: N | undefined
  const metrics = createNodeMetrics({
    chain,
    peers: () => p2p?.getPeers().length ?? 0,
    labels: { chain_id: String(config.chainId) },
  })
  const components: NodeComponents<C, N> = {
    config,
    chain,
    store,
    storePath,
    logger,
    devAccounts: dev,
    p2p: () => p2p,
    metrics,
  }
  const services = (init.services?.(components) ?? {}) as S
  const context: NodeContext<C, N, S> = { ...components, services }
  const lifecycle = Object.values(services as object).filter(startsAndStops)
  const producer = init.producer
    ? init.producer(chain)
    : createIntervalBlockProducer(chain, { blockTimeMs: config.blockTimeMs, logger })
  const startedAt = Date.now()
  const nodeInfo = (): Record<string, unknown> => ({
    ...nodeInfoBase(init.role, chain, p2p, startedAt),
    ...init.info?.(context),
  })
  const impersonation = new Impersonation()
  const ethMethods = createEthMethods(chain, {
    clientVersion: init.clientVersion,
    // Not a dev network: no dev keys, no eth_sendTransaction, no impersonation.
    devKeys: config.dev ? dev.map((a) => a.privateKey) : [],
    dev: config.dev,
    ...(config.dev ? { impersonation } : {}),
    logger,
  })
  const blockQueries = createBlockQueryMethods(chain)
  const methods: RPCMethods = {
    ...ethMethods,
    ...createFilterMethods(chain),
    ...blockQueries,
    ...createTxpoolMethods(chain),
    ...createContractAbiMethods(chain, { dev: config.dev }),
    ...(config.dev ? createSigningMethods(chain, { devKeys: dev.map((a) => a.privateKey) }) : {}),
    mesh_nodeInfo: () => nodeInfo(),
    ...(config.dev ? createDevBlockMethods(chain) : {}),
    ...(config.dev ? createImpersonationMethods(impersonation) : {}),
    ...(vm.tracer
      ? { ...createDebugMethods(chain, vm.tracer), ...createAccessListMethods(chain, vm.tracer) }
      : {}),
    ...(config.dev ? createDevStateMethods(chain) : {}),
    ...(config.dev ? createSnapshotMethods(chain) : {}),
    ...(config.dev ? createStateDumpMethods(chain) : {}),
    ...init.methods?.(context),
  }
  const readWorkers = config.rpc.readWorkers ?? defaultChainNodeConfig.rpcReadWorkers
  let reads: ReadRouter | undefined
  let readPool: ReadPool | undefined
  const { ingress: ingressOn, ...rpcConfig } = config.rpc
  const rpc = createRPCServer(methods, {
    ...rpcConfig,
    dev: config.dev,
    metrics,
    logger,
    reads: { route: (method, params) => reads?.route(method, params) },
    // with decode threads, a body carrying transactions is parsed and decoded there (ARCHITECTURE: throughput)
    ...(decoder.parseBody && (ingressOn ?? defaultChainNodeConfig.rpcIngress)
      ? { ingress: createSendIngress(decoder) }
      : {}),
  })
  const readsServed = metrics.counter({
    name: 'mesh_rpc_reads_total',
    help: 'Read-only RPC requests by the thread that answered: worker (rpc.readWorkers), main (a pooled transaction, or a worker miss).',
    labelNames: ['thread'],
  })
  metrics.gauge({
    name: 'mesh_rpc_reads_in_flight',
    help: 'Read-only RPC requests sent to the read workers and not answered yet (rpc.readWorkers).',
    collect: () => readPool?.inFlight() ?? 0,
  })
  let started = false

  return {
    config,
    chain,
    services,
    get rpcUrl() {
      return rpc.url
    },
    get wsUrl() {
      return rpc.wsUrl
    },
    get p2p() {
      return p2p
    },
    nodeInfo,
    async start() {
      if (started) return
      const { writeSet, stateRoot } = vm.genesisWriteSet(nodeGenesisAlloc(config, dev, init.genesis?.()))
      const { head, restoredTxs } = await chain.open({
        writeSet,
        stateRoot,
        ...(config.genesisTimestamp !== undefined ? { timestamp: config.genesisTimestamp } : {}),
      })
      logger.info(
        { head: Number(head.number), restoredTxs, recovery: recoveryBackend(), ...init.openedLog },
        'chain opened',
      )
      if (config.p2p.enabled && init.network) {
        const { listen, announce, bootstrap } = config.p2p
        p2p = await init.network(
          { dataDir: config.dataDir, listen, ...(announce ? { announce } : {}), bootstrap, logger },
          context,
        )
        await p2p.start()
      }
      // Worker threads start (and warm up) now, not when the first block needs them.
      await vm.executor.start?.()
      await commitWriter?.ready()
      if (readWorkers > 0) {
        readPool = createReadPool({ path: storePath, chainId, workers: readWorkers, logger })
        reads = createReadRouter({
          pool: readPool,
          // only the read methods the node did not replace with its own
          served: READ_METHOD_NAMES.filter(
            (m) => methods[m] === ethMethods[m] || methods[m] === blockQueries[m],
          ),
          methods,
          local: (method, params) => pooledTxLookup(chain, method, params),
          answered: (thread) => readsServed.inc({ thread }),
        })
      }
      await rpc.start()
      await producer.start()
      for (const service of lifecycle) await service.start()
      started = true
      writeRPCFile(config.dataDir, {
        rpcUrl: rpc.url,
        wsUrl: rpc.wsUrl,
        pid: process.pid,
        chainId: config.chainId,
        multiaddrs: p2p?.getMultiaddrs() ?? [],
      })
    },
    async stop() {
      if (!started) {
        await decoder.close()
        await commitWriter?.close()
        store.close()
        return
      }
      started = false
      for (const service of [...lifecycle].reverse()) await service.stop()
      await producer.stop()
      await chain.idle()
      await p2p?.stop()
      await rpc.stop()
      reads = undefined
      await readPool?.close()
      metrics.close()
      chain.mempool.flushNow()
      await vm.executor.close?.()
      await decoder.close()
      await commitWriter?.close()
      store.close()
    },
    isStarted: () => started,
  }
}
