import { join } from 'node:path'
import {
  type BlockProducer,
  type Chain,
  type ChainNode,
  createChainNode,
  devAccountsOf,
  logsOfBlock,
  type NodeGenesisAlloc,
  nodeGenesisAlloc,
  recoverSigner,
} from '@rollup-mesh/chain'
import { openFileSigningGuard } from '@rollup-mesh/consensus'
import { createSilentLogger, type Logger, MAINNET_NETWORK, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import {
  commitWriteSet,
  createSerialExecutor,
  createTracingVM,
  genesisWriteSet,
  simulateCall,
  intrinsicGas as vmIntrinsicGas,
} from '@rollup-mesh/dual-vm'
import { createP2P, type P2P, type SignedHeader } from '@rollup-mesh/p2p'
import type { Address, Hash } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { type MainnetConfig, type MainnetConfigInput, parseMainnetConfig } from './config.js'
import { commitSyncSource, committedBlocks } from './consensus/commitSync.js'
import { CONSENSUS_ADDRESSES } from './consensus/consensusAddresses.js'
import { type ConsensusDriver, createConsensusDriver } from './consensus/consensusDriver.js'
import { wireConsensusGossip } from './consensus/consensusGossip.js'
import { consensusRPCMethods } from './consensus/consensusRPC.js'
import { withCrashTestHook } from './consensus/crashTestHook.js'
import {
  checkBlockEvidence,
  type EvidenceParts,
  evidenceBlockStartHook,
  recordIncludedEvidence,
  replayIncludedEvidence,
} from './consensus/evidenceInclusion.js'
import { EvidenceStore } from './consensus/evidenceStore.js'
import { genesisValidatorOf } from './consensus/validatorKeys.js'
import { type MainnetValidators, mainnetValidators, validatorsExtraData } from './consensus/validatorSetup.js'
import { SETTLEMENT_VK_HASH } from './contracts.generated.js'
import { systemContractsAlloc } from './genesis.js'
import { createHeaderGossip, type HeaderGossip } from './headerGossip.js'
import { mainnetPrecompiles } from './mainnetPrecompiles.js'
import { mainnetRPCMethods } from './rpcMethods.js'
import { settlementRewindGuard } from './settlementRewindGuard.js'
import { createTxGossip, type TxGossip } from './txGossip.js'

export type MainnetNodeInit = {
  config: MainnetConfigInput
  logger?: Logger
  /** Replaces the consensus driver as block producer (tests that seal by hand). */
  producer?: (chain: Chain) => BlockProducer
}

/** The node's consensus parts (no `start`/`stop` of their own: the driver runs as the block producer). */
export type MainnetConsensus = {
  driver: ConsensusDriver
  validators: MainnetValidators
  evidence: EvidenceStore
}

type MainnetServices = { gossip: HeaderGossip; consensus: MainnetConsensus; txGossip: TxGossip }

export type MainnetNode = ChainNode<MainnetConfig, P2P, MainnetServices> & {
  /** The validator's address (header signer, coinbase). */
  readonly validator: Address
  /** SPNRegistry's owner. */
  readonly governance: Address
  /** Verifying-key hash of zk-bridge's committed settlement circuit (register SPNs with it). */
  readonly vkHash: Hash
  /** The signed p2p header of a block (what is gossiped on `/rollup-mesh/1/mainnet/headers`). */
  signedHeader(number: bigint): Promise<SignedHeader | undefined>
}

/**
 * The main net's own genesis accounts: the system contracts (SPNRegistry, Settlement, Mailbox,
 * Groth16Verifier, ValidatorGovernance with the genesis validators, EvidenceRegistry).
 */
function mainnetSystemAlloc(config: MainnetConfig, vkHash: Hash): NodeGenesisAlloc {
  const governance = config.governance ?? privateKeyToAddress(config.validatorKey)
  const validators = config.consensus?.validators ?? [genesisValidatorOf(config.validatorKey)]
  return systemContractsAlloc({ governance, minBond: config.minBond, vkHash, validators })
}

/** The main-net genesis: funded dev accounts, the system contracts, then the config's `alloc`. */
export function mainnetGenesisAlloc(config: MainnetConfig, vkHash: Hash): NodeGenesisAlloc {
  return nodeGenesisAlloc(config, devAccountsOf(config), mainnetSystemAlloc(config, vkHash))
}

/**
 * The main-net node: chain's node skeleton (chain store in `<dataDir>/chain.db`, mempool, JSON-RPC over
 * HTTP + WS) with BFT consensus as its block producer (`createConsensusDriver`: one validator unless the config
 * lists `consensus.validators`; replaceable through `producer`) with dual-vm's serial
 * executor and the quote-verifier precompile, the system contracts in genesis, and libp2p: every sealed
 * block's header is signed with the validator key and published on `/rollup-mesh/1/mainnet/headers`, every
 * accepted settlement on `/rollup-mesh/1/mainnet/settlements` (also validator-signed); peers catch up
 * through header/block sync.
 *
 * @example
 * ```ts
 * import { createMainnetNode } from '@rollup-mesh/mainnet'
 *
 * const node = createMainnetNode({ config: { dataDir: '.mesh/mainnet', p2p: { enabled: false } } })
 * await node.start()
 * console.log(node.rpcUrl, node.validator) // http://127.0.0.1:<port> 0xf39f…
 * await node.stop()
 * ```
 */
export function createMainnetNode(init: MainnetNodeInit): MainnetNode {
  const config = parseMainnetConfig(init.config)
  const logger = (init.logger ?? createSilentLogger()).child({ node: MAINNET_NETWORK })
  const validator = privateKeyToAddress(config.validatorKey).toLowerCase() as Address
  const governance = (config.governance ?? validator).toLowerCase() as Address
  const vkHash: Hash = SETTLEMENT_VK_HASH
  const validators = mainnetValidators(config)
  let consensus: MainnetConsensus | undefined
  let wired: ReturnType<typeof wireConsensusGossip> | undefined
  /** Replays governance and evidence logs from the opened chain (set by `services`). */
  let replayed = (): void => {}
  const node = createChainNode<MainnetConfig, P2P, MainnetServices>({
    role: 'mainnet',
    config,
    logger,
    clientVersion: 'rollup-mesh-mainnet/0.1.0',
    coinbase: validator,
    producer: (chain) => {
      const producer = init.producer ? init.producer(chain) : (consensus as MainnetConsensus).driver
      return {
        start: async () => {
          replayed()
          await producer.start()
        },
        stop: () => producer.stop(),
        isStarted: () => producer.isStarted(),
      }
    },
    openedLog: { validator },
    vm: () => {
      const precompiles = mainnetPrecompiles(config)
      return {
        executor: createSerialExecutor({ precompiles, evm: config.evm, verifyEvm: config.verifyEvm }),
        simulateCall: (p) => simulateCall({ ...p, precompiles, evm: config.evm }),
        tracer: createTracingVM({ precompiles }),
        intrinsicGas: vmIntrinsicGas,
        genesisWriteSet,
        commitWriteSet,
      }
    },
    genesis: () => mainnetSystemAlloc(config, vkHash),
    services: ({ chain, p2p, store }) => {
      chain.addRewindHook(settlementRewindGuard(chain))
      chain.setExtraDataHook((n) => validatorsExtraData(validators.schedule, n))
      const evidence = new EvidenceStore(store)
      const { governed } = validators
      const evidenceParts: EvidenceParts = {
        schedule: validators.schedule,
        chainId: config.chainId,
        evidence,
      }
      // Validator-set changes and included evidence: replayed from the store once the chain is open (before
      // the producer starts), then followed block by block (synchronously inside the commit, so the next
      // height already sees them).
      let done = false
      replayed = () => {
        if (done) return // a second start in this process: the events since were followed live
        done = true
        governed.replay(chain)
        replayIncludedEvidence(evidenceParts, chain)
        p2p()?.setProducer(MAINNET_NETWORK, governed.addresses())
      }
      chain.addRewindHook(governed.rewindGuard(chain))
      chain.events.on('block', (b) => {
        const logs = logsOfBlock(b)
        const at = governed.applyBlock(b.header.number, logs)
        if (at !== undefined)
          logger.info(
            { block: Number(b.header.number), effectiveHeight: at },
            'validator set change scheduled',
          )
        recordIncludedEvidence(evidenceParts, b.header.number, logs)
      })
      governed.onChange(() => p2p()?.setProducer(MAINNET_NETWORK, governed.addresses()))
      chain.setBlockStartHook(evidenceBlockStartHook(evidenceParts))
      const driver = createConsensusDriver({
        chain,
        chainId: config.chainId,
        schedule: validators.schedule,
        self: validators.self,
        guard: withCrashTestHook(openFileSigningGuard(join(config.dataDir, 'consensus-guard.json'))),
        timeouts: validators.timeouts,
        blockTimeMs: config.blockTimeMs,
        network: () => (p2p()?.isStarted() ? wired?.network : undefined),
        catchUp: commitSyncSource({
          chain,
          chainId: config.chainId,
          schedule: validators.schedule,
          p2p: () => p2p(),
          logger,
        }),
        evidence,
        checkCandidate: (c) => void checkBlockEvidence(evidenceParts, c),
        logger,
      })
      consensus = { driver, validators, evidence }
      return {
        gossip: createHeaderGossip({
          chain,
          validatorKey: config.validatorKey,
          p2p,
          logger,
          // Peers accept headers signed by a (past or scheduled) validator only.
          signs: () => governed.addresses().includes(validator),
        }),
        consensus,
        txGossip: createTxGossip({ chain, logger }),
      }
    },
    network: async (options, { chain, services: { gossip, consensus: c, txGossip } }) => {
      const net = await createP2P({
        ...options,
        subscriptions: [
          { network: MAINNET_NETWORK, kinds: ['headers', 'settlements', 'consensus', 'proposals', 'txs'] },
        ],
        producers: { [MAINNET_NETWORK]: validators.governed.addresses() },
        // gossiped transactions' senders recovered natively, as the pool does (not viem's pure JS)
        recoverTxSender: recoverSigner,
        syncProvider: { ...gossip.syncProvider, ...committedBlocks(chain) },
      })
      // Validators and the message listener are in place before the first message can arrive.
      wired = wireConsensusGossip(net, {
        driver: c.driver,
        chainId: config.chainId,
        schedule: validators.schedule,
        logger,
      })
      txGossip.attach(net)
      return net
    },
    methods: ({ chain, services: { gossip, consensus: c } }) => ({
      ...mainnetRPCMethods({ chain, gossip }),
      ...consensusRPCMethods({ chain, ...c }),
    }),
    info: () => ({
      validator,
      governance,
      vkHash,
      contracts: {
        ...SYSTEM_ADDRESSES.mainnet,
        validatorGovernance: CONSENSUS_ADDRESSES.validatorGovernance,
        evidenceRegistry: CONSENSUS_ADDRESSES.evidenceRegistry,
      },
    }),
  })
  return Object.assign(node, {
    validator,
    governance,
    vkHash,
    signedHeader: node.services.gossip.signedHeader,
  })
}
