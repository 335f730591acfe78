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
  RPCError,
  RPCErrorCode,
  type RPCServer,
  type SealedBlock,
  type StoredHeader,
} from '@rollup-mesh/chain'
import {
  createSilentLogger,
  devAccounts,
  type Logger,
  MAINNET_NETWORK,
  type Startable,
  SYSTEM_ADDRESSES,
} from '@rollup-mesh/core'
import {
  type CustomPrecompiles,
  createSerialExecutor,
  type GenesisAlloc,
  genesisWriteSet,
  simulateCall,
  intrinsicGas as vmIntrinsicGas,
} from '@rollup-mesh/dual-vm'
import {
  type Block,
  createP2P,
  encodeHeader,
  type P2P,
  type SignedHeader,
  signHeader,
  signSettlement,
} from '@rollup-mesh/p2p'
import { type Address, bytesToHex, type Hash, type Hex, numberToHex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { type MainnetConfig, type MainnetConfigInput, parseMainnetConfig } from './config.js'
import { SETTLEMENT_VK_HASH } from './contracts.generated.js'
import { systemContractsAlloc } from './genesis.js'
import { acceptedSettlements } from './gossip.js'
import { createQuoteVerifierPrecompile } from './precompile.js'

export type MainnetNodeInit = {
  config: MainnetConfigInput
  logger?: Logger
  /** Replaces the single-validator interval producer (BFT consensus, tests that seal by hand). */
  producer?: (chain: Chain) => BlockProducer
}

export type MainnetNode = Startable & {
  readonly config: MainnetConfig
  readonly chain: Chain
  /** The validator's address (header signer, coinbase). */
  readonly validator: Address
  /** SPNRegistry's owner. */
  readonly governance: Address
  /** Verifying-key hash of zk-bridge's committed settlement circuit (register SPNs with it). */
  readonly vkHash: Hash
  /** `http://127.0.0.1:port` once started. */
  readonly rpcUrl: string
  readonly wsUrl: string
  /** The libp2p node once started (undefined when `p2p.enabled` is false). */
  readonly p2p: P2P | undefined
  /** The signed p2p header of a block (what is gossiped on `/rollup-mesh/1/mainnet/headers`). */
  signedHeader(number: bigint): Promise<SignedHeader | undefined>
  nodeInfo(): Record<string, unknown>
}

/** Maps a chain header to the p2p header fields (the chain's hashes and roots, the p2p field names). */
export function toP2PHeader(h: StoredHeader): Omit<SignedHeader, 'signature'> {
  return {
    number: h.number,
    parentHash: h.parentHash,
    stateRoot: h.stateRoot,
    txRoot: h.transactionsRoot,
    receiptsRoot: h.receiptsRoot,
    exitRoot: h.exitRoot,
    timestamp: h.timestamp,
    gasLimit: h.gasLimit,
    gasUsed: h.gasUsed,
    baseFee: h.baseFeePerGas,
  }
}

/** The main-net genesis: system contracts, funded dev accounts and the config's `alloc`. */
export function mainnetGenesisAlloc(config: MainnetConfig, vkHash: Hash): GenesisAlloc {
  const validator = privateKeyToAddress(config.validatorKey)
  const alloc: GenesisAlloc = {}
  if (config.devAccounts > 0)
    for (const a of devAccounts(config.devAccounts))
      alloc[a.address.toLowerCase() as Address] = { balance: config.devBalance }
  for (const [address, spec] of Object.entries(
    systemContractsAlloc({ governance: config.governance ?? validator, minBond: config.minBond, vkHash }),
  ))
    alloc[address.toLowerCase() as Address] = spec
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
 * The main-net node: chain store in `<dataDir>/chain.db`, mempool, dual-vm's serial executor with the
 * quote-verifier precompile, genesis with the system contracts (SPNRegistry, Settlement, Mailbox,
 * Groth16Verifier), a single-validator interval block producer (replaceable through `producer`),
 * JSON-RPC (HTTP + WS) and libp2p: every sealed block's header is signed with the validator key and
 * published on `/rollup-mesh/1/mainnet/headers`, every accepted settlement on
 * `/rollup-mesh/1/mainnet/settlements` (also validator-signed); peers catch up through header/block sync.
 */
export function createMainnetNode(init: MainnetNodeInit): MainnetNode {
  const config = parseMainnetConfig(init.config)
  const logger = (init.logger ?? createSilentLogger()).child({ node: MAINNET_NETWORK })
  const validator = privateKeyToAddress(config.validatorKey).toLowerCase() as Address
  const governance = (config.governance ?? validator).toLowerCase() as Address
  mkdirSync(config.dataDir, { recursive: true })
  // WAL checkpoints on a thread of their own, not inside block commits
  const store = new ChainStore({ path: join(config.dataDir, 'chain.db'), checkpointIntervalMs: 1000 })
  const precompiles: CustomPrecompiles = new Map([
    [
      SYSTEM_ADDRESSES.mainnet.quoteVerifier,
      createQuoteVerifierPrecompile(
        config.teeTrustedRootsPem ? { trustedRoots: config.teeTrustedRootsPem } : {},
      ),
    ],
  ])
  const executor = createSerialExecutor({ precompiles })
  const decoder = createInlineDecoder(BigInt(config.chainId))
  const chain = new Chain(
    {
      chainId: BigInt(config.chainId),
      blockGasLimit: config.blockGasLimit,
      maxTxsPerBlock: config.maxTxsPerBlock,
      coinbase: validator,
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
    { store, executor, simulateCall: (p) => simulateCall({ ...p, precompiles }), decoder, logger },
  )
  const producer = init.producer
    ? init.producer(chain)
    : createIntervalBlockProducer(chain, { blockTimeMs: config.blockTimeMs, logger })
  const dev = devAccounts(Math.max(config.devAccounts, 1)).slice(0, config.devAccounts)
  let p2p: P2P | undefined
  const vkHash: Hash = SETTLEMENT_VK_HASH
  let started = false
  let unsubscribe: (() => void) | undefined
  const startedAt = Date.now()

  const signedHeader = async (number: bigint): Promise<SignedHeader | undefined> => {
    const h = chain.store.getHeaderByNumber(number)
    if (!h) return undefined
    return signHeader(MAINNET_NETWORK, toP2PHeader(h), config.validatorKey)
  }

  const nodeInfo = (): Record<string, unknown> => {
    const head = chain.head()
    return {
      role: 'mainnet',
      chainId: numberToHex(config.chainId),
      validator,
      governance,
      vkHash,
      contracts: SYSTEM_ADDRESSES.mainnet,
      peerId: p2p?.peerId,
      multiaddrs: p2p?.getMultiaddrs() ?? [],
      peers: p2p?.getPeers() ?? [],
      heights: { head: numberToHex(head.number), headHash: head.hash },
      mempool: chain.mempool.stats(),
      uptimeMs: Date.now() - startedAt,
    }
  }

  const methods = {
    ...createEthMethods(chain, {
      clientVersion: 'rollup-mesh-mainnet/0.1.0',
      devKeys: dev.map((a) => a.privateKey),
      logger,
    }),
    mesh_nodeInfo: () => nodeInfo(),
    /** `[blockNumber]` → the validator-signed p2p header of that block, RLP hex (p2p's `encodeHeader`), or null. */
    mesh_getSignedHeader: async (params: readonly unknown[]) => {
      const raw = params[0]
      if (typeof raw !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(raw))
        throw new RPCError(
          RPCErrorCode.invalidParams,
          'mesh_getSignedHeader expects [blockNumber] as a hex quantity',
        )
      const header = await signedHeader(BigInt(raw))
      return header ? bytesToHex(encodeHeader(header)) : null
    },
    /** `[txHash]` → the signed transaction's raw bytes as stored in a block, or null. */
    mesh_getRawTransaction: (params: readonly unknown[]) => {
      const hash = params[0]
      if (typeof hash !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(hash))
        throw new RPCError(
          RPCErrorCode.invalidParams,
          'mesh_getRawTransaction expects [txHash] (32-byte hex)',
        )
      return chain.store.getTx(hash.toLowerCase() as Hex)?.raw ?? null
    },
  }
  const rpc: RPCServer = createRPCServer(methods, {
    host: config.rpc.host,
    port: config.rpc.port,
    maxBodyBytes: config.rpc.maxBodyBytes,
    maxBatchSize: config.rpc.maxBatchSize,
    corsOrigin: config.rpc.corsOrigin,
    logger,
  })

  const publish = (block: SealedBlock): void => {
    const net = p2p
    if (!net) return
    const number = Number(block.header.number)
    signHeader(MAINNET_NETWORK, toP2PHeader(block.header), config.validatorKey)
      .then((header) => net.publishHeader(MAINNET_NETWORK, header))
      .catch((err: unknown) => logger.debug({ err, block: number }, 'header not published'))
    for (const settlement of acceptedSettlements(block))
      signSettlement(MAINNET_NETWORK, settlement, config.validatorKey)
        .then((signed) => net.publishSettlement(MAINNET_NETWORK, signed))
        .then(() =>
          logger.info({ block: number, spnId: Number(settlement.spnId) }, 'accepted settlement gossiped'),
        )
        .catch((err: unknown) => logger.debug({ err, block: number }, 'settlement not published'))
  }

  const syncProvider = {
    getHeaders: async (network: string, from: bigint, count: number) => {
      const out: SignedHeader[] = []
      if (network !== MAINNET_NETWORK) return out
      for (let n = from; n < from + BigInt(count); n++) {
        const h = await signedHeader(n)
        if (!h) break
        out.push(h)
      }
      return out
    },
    getBlocks: async (network: string, from: bigint, count: number) => {
      const out: Block[] = []
      if (network !== MAINNET_NETWORK) return out
      for (let n = from; n < from + BigInt(count); n++) {
        const h = await signedHeader(n)
        if (!h) break
        out.push({ header: h, txs: chain.store.getBlockTxs(n).map((t) => t.raw) })
      }
      return out
    },
  }

  return {
    config,
    chain,
    validator,
    governance,
    vkHash,
    get rpcUrl() {
      return rpc.url
    },
    get wsUrl() {
      return rpc.wsUrl
    },
    get p2p() {
      return p2p
    },
    signedHeader,
    nodeInfo,
    async start() {
      if (started) return
      const { writeSet, stateRoot } = genesisWriteSet(mainnetGenesisAlloc(config, vkHash))
      const { head, restoredTxs } = await chain.open({
        writeSet,
        stateRoot,
        ...(config.genesisTimestamp !== undefined ? { timestamp: config.genesisTimestamp } : {}),
      })
      logger.info({ head: Number(head.number), restoredTxs, validator }, 'chain opened')
      if (config.p2p.enabled) {
        p2p = await createP2P({
          dataDir: config.dataDir,
          listen: config.p2p.listen,
          ...(config.p2p.announce ? { announce: config.p2p.announce } : {}),
          bootstrap: config.p2p.bootstrap,
          subscriptions: [{ network: MAINNET_NETWORK, kinds: ['headers', 'settlements'] }],
          producers: { [MAINNET_NETWORK]: validator },
          syncProvider,
          logger,
        })
        await p2p.start()
        unsubscribe = chain.events.on('block', publish)
      }
      await rpc.start()
      await producer.start()
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
      await producer.stop()
      await chain.idle()
      unsubscribe?.()
      await p2p?.stop()
      await rpc.stop()
      chain.mempool.flushNow()
      await decoder.close()
      store.close()
    },
    isStarted: () => started,
  }
}
