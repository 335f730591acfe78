import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  type BlockProducer,
  Chain,
  ChainStore,
  createEthMethods,
  createInlineDecoder,
  createIntervalBlockProducer,
  createRPCServer,
  createTxDecoderPool,
  type RPCServer,
  recoveryBackend,
} from '@rollup-mesh/chain'
import {
  createSilentLogger,
  type DevAccount,
  devAccounts,
  type Executor,
  type Logger,
  type Startable,
  SYSTEM_ADDRESSES,
  spnNetworkName,
} from '@rollup-mesh/core'
import {
  createParallelExecutor,
  createSerialExecutor,
  createWasmEngine,
  type GenesisAlloc,
  genesisWriteSet,
  simulateCall,
  intrinsicGas as vmIntrinsicGas,
} from '@rollup-mesh/dual-vm'
import { createP2P, type P2P } from '@rollup-mesh/p2p'
import { type Address, bytesToHex, type Hex, numberToHex } from 'viem'
import { parseSPNConfig, type SPNConfig, type SPNConfigInput } from './config.js'
import { spnPrecompiles } from './delivery/precompile.js'
import { exitBatchesOf } from './delivery/provider.js'
import { createDeliveryRPCMethods } from './delivery/rpc.js'
import { createDeliveryService, type DeliveryService } from './delivery/service.js'
import { numericSpnId } from './settlement/config.js'
import { SPNExitTree } from './settlement/exitTree.js'
import { spnMailboxGenesisAccount } from './settlement/mailboxGenesis.js'
import { createExitTreeRPCMethods } from './settlement/rpc.js'
import { createSettlementService, type SettlementService } from './settlement/service.js'

/** Token transfers each parallel-executor worker runs at start to warm its JIT (~1 s of one core). */
const SPN_WORKER_WARMUP_TXS = 1_500

export type SPNNodeInit = {
  config: SPNConfigInput
  logger?: Logger
  /** Replaces the interval producer (consensus, tests that seal by hand). */
  producer?: (chain: Chain) => BlockProducer
}

export type SPNNode = Startable & {
  readonly config: SPNConfig
  readonly chain: Chain
  /** `http://127.0.0.1:port` once started. */
  readonly rpcUrl: string
  readonly wsUrl: string
  /** What `mesh_nodeInfo` returns. */
  nodeInfo(): Record<string, unknown>
  /** The exit tree behind every header's `exitRoot` (when the SPN has a numeric id). */
  readonly exitTree: SPNExitTree | undefined
  /** The settlement service (with a `settlement` config section); started and stopped with the node. */
  readonly settlement: SettlementService | undefined
  /** Delivery of other SPNs' messages (with a `settlement` section); started and stopped with the node. */
  readonly delivery: DeliveryService | undefined
  /** The libp2p node once started (`p2p.enabled`). */
  readonly p2p: P2P | undefined
}

/** The SPN's numeric mesh id: `settlement.id`, else the digits ending `spnId` (`spn1` → 1); undefined when neither. */
export function spnNumericId(config: SPNConfig): bigint | undefined {
  try {
    return numericSpnId(config.spnId, config.settlement?.id)
  } catch {
    return undefined
  }
}

/** The config's dev accounts (BIP-39 derivation is slow: derive once per node). */
function devAccountsOf(config: SPNConfig): DevAccount[] {
  return config.devAccounts > 0 ? devAccounts(config.devAccounts) : []
}

/** The genesis allocation of an SPN: funded dev accounts plus the config's `alloc`. */
export function spnGenesisAlloc(
  config: SPNConfig,
  dev: readonly DevAccount[] = devAccountsOf(config),
): GenesisAlloc {
  const alloc: GenesisAlloc = {}
  if (config.devAccounts > 0)
    for (const a of dev) alloc[a.address.toLowerCase() as Address] = { balance: config.devBalance }
  const id = spnNumericId(config)
  if (id !== undefined) alloc[SYSTEM_ADDRESSES.spn.mailbox] = spnMailboxGenesisAccount(id)
  for (const [address, spec] of Object.entries(config.alloc)) {
    alloc[address.toLowerCase() as Address] = {
      ...(spec.balance !== undefined ? { balance: spec.balance } : {}),
      ...(spec.nonce !== undefined ? { nonce: spec.nonce } : {}),
      ...(spec.code !== undefined ? { code: spec.code } : {}),
      ...(spec.storage !== undefined ? { storage: spec.storage as Record<Hex, Hex> } : {}),
    }
  }
  return alloc
}

/**
 * An SPN node: chain store in `<dataDir>/chain.db`, mempool, dual-VM serial
 * executor, interval block producer and JSON-RPC (HTTP + WS). `start()` opens
 * (or resumes) the chain and begins sealing blocks; `stop()` finishes the
 * block in progress and closes the store.
 */
export function createSPNNode(init: SPNNodeInit): SPNNode {
  const config = parseSPNConfig(init.config)
  const logger = (init.logger ?? createSilentLogger()).child({ spn: config.spnId })
  mkdirSync(config.dataDir, { recursive: true })
  const storePath = join(config.dataDir, 'chain.db')
  // WAL checkpoints on a thread of their own, not inside block commits
  const store = new ChainStore({ path: storePath, checkpointIntervalMs: 1000 })
  const wasm = createWasmEngine()
  const precompiles = spnPrecompiles()
  const executor: Executor & { start?: () => Promise<void>; close?: () => Promise<void> } =
    config.executor === 'parallel'
      ? createParallelExecutor({
          ...(config.executorWorkers ? { workers: config.executorWorkers } : {}),
          verifyParallel: config.verifyParallel,
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
      : createSerialExecutor({ wasm, precompiles })
  const decoder =
    config.decodeWorkers > 0
      ? createTxDecoderPool({ chainId: BigInt(config.chainId), workers: config.decodeWorkers })
      : createInlineDecoder(BigInt(config.chainId))
  const chain = new Chain(
    {
      chainId: BigInt(config.chainId),
      blockGasLimit: config.blockGasLimit,
      maxTxsPerBlock: config.maxTxsPerBlock,
      ...(config.coinbase ? { coinbase: config.coinbase } : {}),
      mempool: {
        maxSize: config.mempool.maxSize,
        maxNonceGap: BigInt(config.mempool.maxNonceGap),
        intrinsicGas: (tx) => {
          const g = vmIntrinsicGas(tx)
          if (g.intrinsic > g.floor) return g.intrinsic
          return g.floor
        },
      },
    },
    { store, executor, simulateCall: (p) => simulateCall({ ...p, wasm, precompiles }), decoder, logger },
  )
  const spnId = spnNumericId(config)
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
          ...(config.settlement.settlementAddress
            ? { settlementAddress: config.settlement.settlementAddress }
            : {}),
          ...(config.settlement.executorDir ? { executorDir: config.settlement.executorDir } : {}),
          executorConfig: { executor: config.executor, chainId: config.chainId, spnId: spnId.toString() },
          logger,
        })
      : undefined
  let p2p: P2P | undefined
  let mainnetHead: bigint | undefined
  const delivery =
    spnId !== undefined && config.settlement
      ? createDeliveryService({
          chain,
          spnId,
          mainnetRpcUrl: config.settlement.mainnetRpcUrl,
          p2p: () => p2p,
          pollMs: config.settlement.pollMs,
          logger,
        })
      : undefined
  const producer = init.producer
    ? init.producer(chain)
    : createIntervalBlockProducer(chain, { blockTimeMs: config.blockTimeMs, logger })
  const dev = devAccountsOf(config)
  let started = false
  const startedAt = Date.now()

  const nodeInfo = (): Record<string, unknown> => {
    const head = chain.head()
    const pool = chain.mempool.stats()
    return {
      role: 'spn',
      spnId: config.spnId,
      chainId: numberToHex(config.chainId),
      vms: ['evm', 'wasm'],
      executor: config.executor,
      peers: p2p?.getPeers() ?? [],
      peerId: p2p?.peerId,
      multiaddrs: p2p?.getMultiaddrs() ?? [],
      heights: {
        head: numberToHex(head.number),
        headHash: head.hash,
        ...(mainnetHead !== undefined ? { mainnet: numberToHex(mainnetHead) } : {}),
      },
      mempool: pool,
      senderRecovery: recoveryBackend(),
      uptimeMs: Date.now() - startedAt,
      ...(exitTree
        ? {
            exitTree: {
              root: exitTree.root,
              openBatch: exitTree.status.openBatch,
              openLeaves: exitTree.status.openCount,
              size: exitTree.status.size,
            },
          }
        : {}),
      ...(settlement
        ? {
            settlement: {
              operator: settlement.operator,
              measurement: settlement.enclave ? bytesToHex(settlement.enclave.measurement) : undefined,
            },
          }
        : {}),
      ...(delivery
        ? {
            messages: (() => {
              const d = delivery.status()
              return {
                pending: d.queued,
                delivered: d.delivered,
                failed: d.failed,
                error: d.error,
                mainnetBlock: numberToHex(d.mainnetBlock < 0n ? 0n : d.mainnetBlock),
              }
            })(),
          }
        : {}),
    }
  }

  const methods = {
    ...createEthMethods(chain, {
      clientVersion: `rollup-mesh-spn/0.1.0/${config.spnId}`,
      devKeys: dev.map((a) => a.privateKey),
      logger,
    }),
    mesh_nodeInfo: () => nodeInfo(),
    ...createExitTreeRPCMethods(chain, exitTree),
    ...createDeliveryRPCMethods(delivery),
  }
  const rpc: RPCServer = createRPCServer(methods, {
    host: config.rpc.host,
    port: config.rpc.port,
    maxBodyBytes: config.rpc.maxBodyBytes,
    maxBatchSize: config.rpc.maxBatchSize,
    corsOrigin: config.rpc.corsOrigin,
    logger,
  })

  return {
    config,
    chain,
    get rpcUrl() {
      return rpc.url
    },
    get wsUrl() {
      return rpc.wsUrl
    },
    nodeInfo,
    exitTree,
    settlement,
    delivery,
    get p2p() {
      return p2p
    },
    async start() {
      if (started) return
      const { writeSet, stateRoot } = genesisWriteSet(spnGenesisAlloc(config, dev))
      const { head, restoredTxs } = await chain.open({
        writeSet,
        stateRoot,
        ...(config.genesisTimestamp !== undefined ? { timestamp: config.genesisTimestamp } : {}),
      })
      logger.info({ head: Number(head.number), restoredTxs, recovery: recoveryBackend() }, 'chain opened')
      if (config.p2p.enabled) {
        p2p = await createP2P({
          dataDir: config.dataDir,
          listen: config.p2p.listen,
          ...(config.p2p.announce ? { announce: config.p2p.announce } : {}),
          bootstrap: config.p2p.bootstrap,
          subscriptions: [{ network: 'mainnet', kinds: ['headers', 'settlements'] }],
          syncProvider: {
            getExitBatches: (network, fromBatch, count) =>
              exitTree && spnId !== undefined && network === spnNetworkName(spnId)
                ? exitBatchesOf(exitTree, fromBatch, count)
                : [],
          },
          logger,
        })
        p2p.on('message', (m) => {
          if (m.kind === 'headers' && m.network === 'mainnet') mainnetHead = m.header.number
        })
        await p2p.start()
      }
      // Worker threads start (and warm up) now, not when the first block needs them.
      await executor.start?.()
      await rpc.start()
      await producer.start()
      await settlement?.start()
      await delivery?.start()
      started = true
      writeFileSync(
        join(config.dataDir, 'rpc.json'),
        `${JSON.stringify({
          rpcUrl: rpc.url,
          wsUrl: rpc.wsUrl,
          pid: process.pid,
          chainId: config.chainId,
          multiaddrs: p2p?.getMultiaddrs() ?? [],
        })}\n`,
      )
    },
    async stop() {
      if (!started) {
        await decoder.close()
        store.close()
        return
      }
      started = false
      await delivery?.stop()
      await settlement?.stop()
      await producer.stop()
      await chain.idle()
      await p2p?.stop()
      await rpc.stop()
      chain.mempool.flushNow()
      await executor.close?.()
      await decoder.close()
      store.close()
    },
    isStarted: () => started,
  }
}
