import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  type Chain,
  encodeGroth16Proof,
  encodeSettlementHeader,
  type NodeMetrics,
  publicSignalsToUint,
  type SettlementHeader,
  settlementHeaderHash,
  settlementReportData,
  settlementSubmitAbi,
} from '@rollup-mesh/chain'
import { createSilentLogger, type Logger, type Startable, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import {
  computeExecutorMeasurement,
  createSimulatedEnclave,
  type SimulatedEnclave,
} from '@rollup-mesh/tee-attest'
import {
  createProverProcess,
  createSettlementProver,
  ExitTree,
  releaseZkThreads,
  setZkThreadsIdleTimeout,
} from '@rollup-mesh/zk-bridge'
import {
  type Address,
  bytesToHex,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeFunctionData,
  type Hash,
  type Hex,
  http,
  numberToHex,
  type PublicClient,
  parseEventLogs,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { createRoundLoop } from '../rounds.js'
import { defaultSettlementCadence, settlementDue } from './cadence.js'
import { SettlementBlocksMissingError, SettlementExitRootMismatchError } from './errors.js'
import type { SettlementBatchRange, SPNExitTree } from './exitTree.js'
import { revertReason } from './revertReason.js'
import { createSettlementMetrics } from './settlementMetrics.js'
import { NO_PROOF_SIGNALS, proveSettlementBatch } from './settlementProof.js'
import { headerOfRow, openSettlementRecords, type SettlementRow } from './settlementRecords.js'

/**
 * How long the settlement prover's child and its curve threads stay up between proofs (the most
 * `createProverProcess` takes, a day): while the service runs it never proves cold.
 */
const PROVER_KEEP_WARM_MS = 86_400_000

export type SettlementServiceOptions = {
  chain: Chain
  exitTree: SPNExitTree
  /** Where the simulated enclave keeps its keys (`<dataDir>/enclave`). */
  dataDir: string
  /** The SPN's numeric id on the main net (SPNRegistry). */
  spnId: bigint
  mainnetRpcUrl: string
  mainnetChainId: number
  /** The SPN operator's key (registered as `operator` in SPNRegistry). */
  operatorKey: Hex
  settlementAddress?: Address
  /** How often a settlement is cut when no message waits (default 2000 ms). */
  intervalMs?: number
  /**
   * How often a settlement is cut while the SPN's blocks carry no transactions (default 10,000 ms): each
   * settlement costs a Groth16 proof (~2 s of CPU) and 16 exit-tree positions, so an idle SPN settles its
   * state less often; any transaction brings back `intervalMs`, and a waiting message settles at once.
   */
  idleIntervalMs?: number
  /** Prove in a child process (default true) at `proverNiceness` (default 10) below the node's priority. */
  proverProcess?: boolean
  proverNiceness?: number
  /** The node's metrics: settlements proved, submitted and accepted, proof times. */
  metrics?: NodeMetrics
  /** How often the service looks for work (default 250 ms); a block with messages starts a round at once. */
  pollMs?: number
  /** The executor build that is measured (default dual-vm's dist/). */
  executorDir?: string
  /** The executor configuration that is measured with it. */
  executorConfig?: unknown
  logger?: Logger
}

export type SettlementRecord = {
  batch: number
  header: SettlementHeader
  headerHash: Hash
  status: 'pending' | 'accepted'
  txHash: Hash | undefined
}

export type SettlementService = Startable & {
  readonly enclave: SimulatedEnclave | undefined
  readonly operator: Address
  /** Settlements built so far, by batch (= main-net settlement index). */
  settlements(): SettlementRecord[]
  /** Runs one round now (tests); resolves when it is done. */
  tick(): Promise<void>
}

/** dual-vm's built `dist/` (what the enclave measures by default). */
export function defaultExecutorDir(): string {
  const entry = fileURLToPath(import.meta.resolve('@rollup-mesh/dual-vm'))
  return join(dirname(dirname(entry)), 'dist')
}

/**
 * The SPN settlement service (DESIGN §4): every `intervalMs`, or as soon as messages wait, it closes the
 * exit tree's open batch, builds the settlement header for its blocks, proves it (zk-bridge), attests it
 * (simulated enclave measuring the executor build) and submits it to the main net's Settlement contract
 * from the operator key. The built settlement is written to the SPN's database before anything is sent, and
 * a batch is settled only by that record: after a crash or a rejection the same settlement is sent again.
 * The records are the chain store's `spn_settlements` extension.
 *
 * @example
 * ```ts
 * const settlement = createSettlementService({
 *   chain,
 *   exitTree,
 *   dataDir,
 *   spnId: 1n,
 *   mainnetRpcUrl: 'http://127.0.0.1:8545',
 *   mainnetChainId: 900,
 *   operatorKey, // registered as the SPN's operator in SPNRegistry
 * })
 * await settlement.start() // measures the executor build, creates the enclave, settles every 2 s
 * await settlement.tick() // one round now
 * settlement.settlements() // [{ batch: 0, header, headerHash, status: 'accepted', txHash }]
 * await settlement.stop()
 * ```
 */
export function createSettlementService(opts: SettlementServiceOptions): SettlementService {
  const log = (opts.logger ?? createSilentLogger()).child({ module: 'settlement' })
  const records = openSettlementRecords(opts.chain.store)
  const intervalMs = opts.intervalMs ?? defaultSettlementCadence.intervalMs
  const idleIntervalMs = Math.max(intervalMs, opts.idleIntervalMs ?? defaultSettlementCadence.idleIntervalMs)
  const cadence = { intervalMs, idleIntervalMs }
  // The prover stays warm while the service runs (child up, artifacts loaded, curve threads started at
  // `start`): a message after a quiet minute is proved as fast as one in a busy stream.
  const processProver =
    opts.proverProcess === false
      ? undefined
      : createProverProcess({
          niceness: opts.proverNiceness ?? 10,
          idleMs: PROVER_KEEP_WARM_MS,
          threadsIdleMs: PROVER_KEEP_WARM_MS,
        })
  const prover = processProver ?? createSettlementProver()
  const counters = createSettlementMetrics(opts.metrics)
  const pollMs = opts.pollMs ?? 250
  const settlementAddress = opts.settlementAddress ?? SYSTEM_ADDRESSES.mainnet.settlement
  const account = privateKeyToAccount(opts.operatorKey)
  const mainnet = defineChain({
    id: opts.mainnetChainId,
    name: 'mainnet',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [opts.mainnetRpcUrl] } },
  })
  const pub = createPublicClient({
    chain: mainnet,
    transport: http(opts.mainnetRpcUrl),
    cacheTime: 0,
  }) as PublicClient
  const wallet = createWalletClient({ account, chain: mainnet, transport: http(opts.mainnetRpcUrl) })

  let enclave: SimulatedEnclave | undefined
  let started = false
  let lastCut = Date.now()
  /** Whether a block with transactions was sealed since the last cut. */
  let active = false
  let unsubscribe: (() => void) | undefined
  let lastRejection = ''

  async function build(batch: SettlementBatchRange): Promise<SettlementRow> {
    const toBlock = batch.toBlock as bigint
    const store = opts.chain.store
    const before = store.getHeaderByNumber(batch.fromBlock - 1n)
    const last = store.getHeaderByNumber(toBlock)
    if (!before || !last) throw new SettlementBlocksMissingError(batch.fromBlock - 1n, toBlock)
    const messages = opts.exitTree.messagesOf(batch.index)
    const tree = ExitTree.fromFrontier({ size: batch.index * 16, frontier: batch.startFrontier })
    const zk = tree.appendBatch(
      messages.map((m) => m.leaf),
      0n,
    )
    const newExitRoot = numberToHex(zk.newRoot, { size: 32 })
    if (last.exitRoot !== newExitRoot)
      throw new SettlementExitRootMismatchError(toBlock, last.exitRoot, newExitRoot)
    const header: SettlementHeader = {
      spnId: opts.spnId,
      fromBlock: batch.fromBlock,
      toBlock,
      prevStateRoot: before.stateRoot,
      newStateRoot: last.stateRoot,
      prevExitRoot: numberToHex(zk.oldRoot, { size: 32 }),
      newExitRoot,
      startIndex: BigInt(zk.startIndex),
      leafCount: BigInt(messages.length),
    }
    const proof =
      messages.length > 0
        ? await proveSettlementBatch({ prover, log, counters }, batch.index, header, zk)
        : undefined
    const quote = await (enclave as SimulatedEnclave).attest(settlementReportData(header))
    log.info(
      { batch: batch.index, proved: proof !== undefined, headerHash: settlementHeaderHash(header) },
      proof ? 'settlement proved and attested' : 'settlement attested (no leaves: no proof needed)',
    )
    const row: SettlementRow = {
      batch: batch.index,
      header: JSON.stringify(header, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
      // Settlement.sol takes a batch without leaves with empty proof bytes (its exit root cannot change)
      proof: proof ? encodeGroth16Proof(proof.proof) : '0x',
      signals: JSON.stringify(proof?.publicSignals ?? NO_PROOF_SIGNALS),
      quote: bytesToHex(quote),
      status: 'pending',
      tx_hash: null,
    }
    // Persisted before it is sent: after a crash this exact settlement is sent again.
    records.insert(row)
    return row
  }

  const markAccepted = (batch: number): void => records.markAccepted(batch)

  async function submit(row: SettlementRow): Promise<void> {
    const header = headerOfRow(row)
    const data = encodeFunctionData({
      abi: settlementSubmitAbi,
      functionName: 'submit',
      args: [
        encodeSettlementHeader(header),
        row.proof as Hex,
        publicSignalsToUint(JSON.parse(row.signals) as string[]),
        row.quote as Hex,
      ],
    })
    if (row.tx_hash) {
      // Sent before a crash or a slow receipt: wait for it before sending the same settlement again.
      const receipt = await pub
        .waitForTransactionReceipt({ hash: row.tx_hash as Hash, timeout: 3_000, pollingInterval: 100 })
        .catch(() => undefined)
      if (receipt?.status === 'success') return accepted(row, receipt.logs)
    }
    let gas: bigint
    try {
      gas = await pub.estimateGas({ account, to: settlementAddress, data })
    } catch (error) {
      const reason = revertReason(error) ?? (error as Error).message.split('\n')[0] ?? 'unknown'
      if (reason.includes('settlement already accepted')) {
        markAccepted(row.batch)
        return
      }
      if (reason !== lastRejection) log.warn({ batch: row.batch, reason }, 'settlement rejected; will retry')
      lastRejection = reason
      return
    }
    const hash = await wallet.sendTransaction({ account, chain: mainnet, to: settlementAddress, data, gas })
    records.setTxHash(row.batch, hash)
    counters.submitted()
    log.info({ batch: row.batch, tx: hash }, 'settlement submitted')
    const receipt = await pub.waitForTransactionReceipt({ hash, timeout: 30_000, pollingInterval: 100 })
    if (receipt.status === 'success') return accepted(row, receipt.logs)
    log.warn({ batch: row.batch, tx: hash }, 'settlement transaction reverted; will retry')
  }

  function accepted(row: SettlementRow, logs: Parameters<typeof parseEventLogs>[0]['logs']): void {
    const ev = parseEventLogs({ abi: settlementSubmitAbi, eventName: 'SettlementAccepted', logs })[0]
    markAccepted(row.batch)
    counters.accepted()
    lastRejection = ''
    log.info(
      {
        batch: row.batch,
        settlementIndex: ev ? Number(ev.args.settlementIndex) : undefined,
        toBlock: ev ? Number(ev.args.toBlock) : undefined,
        exitRoot: ev?.args.newExitRoot,
      },
      'settlement accepted',
    )
  }

  async function round(): Promise<void> {
    const [count, tipToBlock] = await pub.readContract({
      address: settlementAddress,
      abi: settlementSubmitAbi,
      functionName: 'tipOf',
      args: [opts.spnId],
    })
    const next = Number(count)
    if (next > 0) markAccepted(next - 1)
    let row = records.row(next)
    if (!row) {
      let batch = opts.exitTree.batch(next)
      if (!batch) {
        log.error({ next, tipToBlock: Number(tipToBlock) }, 'main net is ahead of this SPN’s exit tree')
        return
      }
      if (next > 0 && batch.fromBlock !== tipToBlock + 1n) {
        log.error(
          { next, fromBlock: Number(batch.fromBlock), tipToBlock: Number(tipToBlock) },
          'batch does not extend the accepted settlement',
        )
        return
      }
      if (batch.toBlock === undefined) {
        // A dev snapshot is outstanding: blocks stay on the node until it is reverted or the node restarts,
        // so `evm_revert` can always rewind them.
        if (opts.chain.snapshots.oldestBlock() !== undefined) return
        const state = {
          now: Date.now(),
          lastCut,
          waiting: opts.exitTree.status.openCount,
          active,
          backlog: opts.chain.mempool.size,
        }
        if (!settlementDue(state, cadence)) return
        const closed = opts.exitTree.closeBatch()
        if (!closed) return
        lastCut = Date.now()
        active = false
        batch = closed
      }
      row = await build(batch)
    }
    await submit(row)
  }

  const loop = createRoundLoop({ what: 'settlement', pollMs, log, round })
  const tick = loop.tick

  return {
    get enclave() {
      return enclave
    },
    operator: account.address,
    settlements: () =>
      records.all().map((r) => ({
        batch: r.batch,
        header: headerOfRow(r),
        headerHash: settlementHeaderHash(headerOfRow(r)),
        status: r.status === 'accepted' ? 'accepted' : 'pending',
        txHash: (r.tx_hash ?? undefined) as Hash | undefined,
      })),
    tick,
    async start() {
      if (started) return
      // A long-running prover keeps the curve's worker threads between settlements.
      setZkThreadsIdleTimeout(Math.max(10_000, intervalMs * 4, idleIntervalMs * 2))
      const measurement = await computeExecutorMeasurement({
        dir: opts.executorDir ?? defaultExecutorDir(),
        config: opts.executorConfig ?? {},
      })
      enclave = await createSimulatedEnclave({
        dataDir: opts.dataDir,
        measurement: measurement.mrEnclave,
        logger: log,
      })
      log.info(
        { measurement: measurement.mrEnclaveHex, operator: account.address },
        'settlement service started',
      )
      started = true
      processProver?.warm().catch((err: unknown) => log.warn({ err: String(err) }, 'prover did not start'))
      lastCut = Date.now()
      unsubscribe = opts.chain.events.on('block', (b) => {
        if (b.txs.length > 0) active = true
        // cut on exit: a block with messages starts a round at once, not at the next poll (a round in
        // progress finishes first, then one more runs for it)
        if (opts.exitTree.status.openCount > 0) loop.wake()
      })
      loop.start()
    },
    async stop() {
      started = false
      unsubscribe?.()
      await Promise.all([loop.stop(), processProver?.close()])
      await releaseZkThreads()
    },
    isStarted: () => started,
  }
}
