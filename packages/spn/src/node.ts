import {
  type BlockProducer,
  type Chain,
  type ChainNode,
  ChainRewindError,
  createChainNode,
  devAccountsOf,
  type NodeGenesisAlloc,
  nodeGenesisAlloc,
} from '@rollup-mesh/chain'
import { createSilentLogger, type Logger, SYSTEM_ADDRESSES, spnNetworkName } from '@rollup-mesh/core'
import {
  commitWriteSet,
  createParallelExecutor,
  createSerialExecutor,
  createTracingVM,
  createWasmEngine,
  genesisWriteSet,
  simulateCall,
  intrinsicGas as vmIntrinsicGas,
} from '@rollup-mesh/dual-vm'
import { createP2P, type P2P } from '@rollup-mesh/p2p'
import { parseSPNConfig, type SPNConfig, type SPNConfigInput } from './config.js'
import { spnPrecompiles } from './delivery/precompile.js'
import { exitBatchesOf } from './delivery/provider.js'
import { createDeliveryService, type DeliveryService } from './delivery/service.js'
import { followMainnetSigners } from './mainnetFollow/followSigners.js'
import { spnNodeInfo } from './nodeInfo.js'
import { spnRPCMethods } from './rpcMethods.js'
import { numericSpnId } from './settlement/config.js'
import { SPNExitTree } from './settlement/exitTree.js'
import { spnMailboxGenesisAccount } from './settlement/mailboxGenesis.js'
import { createSettlementService, type SettlementService } from './settlement/service.js'

/** Token transfers each parallel-executor worker runs at start to warm its JIT (~1 s of one core). */
const SPN_WORKER_WARMUP_TXS = 1_500

export type SPNNodeInit = {
  config: SPNConfigInput
  logger?: Logger
  /** Replaces the interval producer (consensus, tests that seal by hand). */
  producer?: (chain: Chain) => BlockProducer
}

/** The SPN's own parts, started and stopped with the node (settlement, then delivery). */
type SPNServices = {
  /** The exit tree behind every header's `exitRoot` (when the SPN has a numeric id). */
  exitTree: SPNExitTree | undefined
  /** The settlement service (with a `settlement` config section). */
  settlement: SettlementService | undefined
  /** Delivery of other SPNs' messages (with a `settlement` section). */
  delivery: DeliveryService | undefined
}

export type SPNNode = ChainNode<SPNConfig, P2P, SPNServices> & SPNServices

/** The SPN's numeric mesh id: `settlement.id`, else the digits ending `spnId` (`spn1` → 1); undefined when neither. */
export function spnNumericId(config: SPNConfig): bigint | undefined {
  try {
    return numericSpnId(config.spnId, config.settlement?.id)
  } catch {
    return undefined
  }
}

/** The SPN's own genesis accounts: the Mailbox system contract (when the SPN has a numeric id). */
function spnSystemAlloc(config: SPNConfig): NodeGenesisAlloc {
  const id = spnNumericId(config)
  return id === undefined ? {} : { [SYSTEM_ADDRESSES.spn.mailbox]: spnMailboxGenesisAccount(id) }
}

/** The genesis allocation of an SPN: funded dev accounts, the Mailbox, then the config's `alloc`. */
export function spnGenesisAlloc(config: SPNConfig): NodeGenesisAlloc {
  return nodeGenesisAlloc(config, devAccountsOf(config), spnSystemAlloc(config))
}

/**
 * An SPN node: chain's node skeleton (chain store in `<dataDir>/chain.db`, mempool, interval block producer,
 * JSON-RPC over HTTP + WS) with dual-vm's serial or parallel executor (EVM + WASM, the exit-proof
 * precompile), the Mailbox in genesis, the exit tree, settlement and delivery services, the `mesh_`
 * message methods and libp2p (following the main net's gossip, serving its exit batches).
 *
 * @example
 * ```ts
 * import { createSPNNode } from '@rollup-mesh/spn'
 *
 * const node = createSPNNode({ config: { spnId: 'spn1', chainId: 901, dataDir: '.mesh/spn1' } })
 * await node.start()
 * console.log(node.rpcUrl, node.nodeInfo().heights) // http://127.0.0.1:<port> { head: '0x0', … }
 * await node.stop()
 * ```
 */
export function createSPNNode(init: SPNNodeInit): SPNNode {
  const config = parseSPNConfig(init.config)
  const logger = (init.logger ?? createSilentLogger()).child({ spn: config.spnId })
  const spnId = spnNumericId(config)
  let mainnetHead: bigint | undefined
  const node = createChainNode<SPNConfig, P2P, SPNServices>({
    role: 'spn',
    config,
    logger,
    clientVersion: `rollup-mesh-spn/0.1.0/${config.spnId}`,
    ...(init.producer ? { producer: init.producer } : {}),
    vm: ({ storePath }) => {
      const wasm = createWasmEngine()
      const precompiles = spnPrecompiles()
      return {
        executor:
          config.executor === 'parallel'
            ? createParallelExecutor({
                ...(config.executorWorkers ? { workers: config.executorWorkers } : {}),
                verifyParallel: config.verifyParallel,
                evm: config.evm,
                verifyEvm: config.verifyEvm,
                wasm: { module: '@rollup-mesh/dual-vm', exportName: 'createWasmEngine' },
                // workers load the exit-proof precompile themselves (functions cannot cross threads)
                precompiles: { module: '@rollup-mesh/spn/precompiles', exportName: 'spnPrecompiles' },
                // and read keys their replicas lack from the store themselves, not through this (busy) thread
                committedState: {
                  module: '@rollup-mesh/chain/committed-state',
                  exportName: 'openCommittedState',
                  options: { path: storePath },
                },
                // the first blocks would otherwise run on workers whose EVM V8 has not optimised yet
                warmupTxs: SPN_WORKER_WARMUP_TXS,
                logger,
              })
            : createSerialExecutor({ wasm, precompiles, evm: config.evm, verifyEvm: config.verifyEvm }),
        simulateCall: (p) => simulateCall({ ...p, wasm, precompiles, evm: config.evm }),
        tracer: createTracingVM({ wasm, precompiles }),
        intrinsicGas: vmIntrinsicGas,
        genesisWriteSet,
        commitWriteSet,
      }
    },
    genesis: () => spnSystemAlloc(config),
    services: ({ chain, store, p2p, metrics }) => {
      // the exit tree, settlement and delivery, as built before the node skeleton existed
      const exitTree = spnId !== undefined ? new SPNExitTree(store, spnId, logger) : undefined
      exitTree?.attach(chain)
      const settlement =
        exitTree && spnId !== undefined && config.settlement
          ? createSettlementService({
              chain,
              exitTree,
              dataDir: config.dataDir,
              spnId,
              mainnetRpcUrl: config.settlement.mainnetRpcUrl,
              mainnetChainId: config.settlement.mainnetChainId,
              operatorKey: config.settlement.operatorKey,
              intervalMs: config.settlement.intervalMs,
              idleIntervalMs: config.settlement.idleIntervalMs,
              pollMs: config.settlement.pollMs,
              proverProcess: config.settlement.proverProcess,
              proverNiceness: config.settlement.proverNiceness,
              metrics,
              ...(config.settlement.settlementAddress
                ? { settlementAddress: config.settlement.settlementAddress }
                : {}),
              ...(config.settlement.executorDir ? { executorDir: config.settlement.executorDir } : {}),
              executorConfig: { executor: config.executor, chainId: config.chainId, spnId: spnId.toString() },
              logger,
            })
          : undefined
      const delivery =
        spnId !== undefined && config.settlement
          ? createDeliveryService({
              chain,
              spnId,
              mainnetRpcUrl: config.settlement.mainnetRpcUrl,
              p2p,
              pollMs: config.settlement.pollMs,
              metrics,
              logger,
            })
          : undefined
      if (delivery)
        chain.addRewindHook({
          // a delivered message's inbox record would outlive the rewound block that delivered it
          check: (block) => {
            const delivered = delivery
              .messages({ status: 'delivered' })
              .find((m) => m.block !== undefined && m.block > block)
            if (delivered)
              throw new ChainRewindError(
                `Cannot rewind to block ${block}: block ${delivered.block} delivered a cross-network message (from SPN ${delivered.srcSpn}, position ${delivered.position}).`,
                ['- Revert to a snapshot taken after that block.'],
              )
          },
          rewind: () => {},
        })
      return { exitTree, settlement, delivery }
    },
    network: async (options, { services: { exitTree } }) => {
      const p2p = await createP2P({
        ...options,
        subscriptions: [{ network: 'mainnet', kinds: ['headers', 'settlements'] }],
        syncProvider: {
          getExitBatches: (network, fromBatch, count) =>
            exitTree && spnId !== undefined && network === spnNetworkName(spnId)
              ? exitBatchesOf(exitTree, fromBatch, count)
              : [],
        },
      })
      // only the main net's validators move what the SPN knows of the main net (issue [consensus] item 8)
      followMainnetSigners(p2p, config.settlement?.mainnetRpcUrl, logger)
      p2p.on('message', (m) => {
        if (m.kind === 'headers' && m.network === 'mainnet') mainnetHead = m.header.number
      })
      return p2p
    },
    methods: ({ chain, services }) => spnRPCMethods({ chain, ...services }),
    info: ({ chain, services }) => spnNodeInfo({ config, chain, mainnetHead, ...services }),
  })
  return Object.assign(node, node.services)
}
