import type { BlockContext, Executor, Receipt } from '@rollup-mesh/core'
import { BaseError } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import {
  type BlockHeader,
  hashHeader,
  prevRandaoOf,
  receiptsRootOf,
  type StoredHeader,
  transactionsRootOf,
} from './block.js'
import type { ExitRootHook } from './blockHooks.js'
import type { GenesisSpec } from './genesis.js'
import { isImpersonated } from './impersonatedTx.js'
import { SQLiteStateView } from './state.js'
import type { ChainStore } from './store.js'
import { type SignedTx, signedTxWithSender } from './tx.js'

/** The header fields a replay recomputes and compares, in the order they are reported. */
export const REPLAY_FIELDS = [
  'transactionsRoot',
  'stateRoot',
  'receiptsRoot',
  'exitRoot',
  'logsBloom',
  'gasUsed',
] as const
export type ReplayField = (typeof REPLAY_FIELDS)[number]

/** One field of one block whose stored and replayed values differ. */
export type ReplayDifference = {
  /** A header field, `included` (txs the executor skipped), `hash`, or what `checkBlock` names (e.g. `certificate`). */
  field: ReplayField | 'included' | 'hash' | 'certificate'
  stored: string
  replayed: string
}

/** One replayed block. */
export type ReplayedBlock = {
  number: bigint
  txs: number
  differences: ReplayDifference[]
}

export type ReplayReport = {
  /** The stored head when the replay started (blocks 1..head were replayed, or up to the first difference). */
  head: bigint
  /** Blocks replayed (genesis not counted). */
  blocks: ReplayedBlock[]
  /** Transactions re-executed. */
  txs: number
  /** The genesis state root computed from the config differs from the stored block 0's. */
  genesisMismatch?: { stored: Hex; replayed: Hex }
  /** The first block with a difference (the replay stops there: later blocks would all differ). */
  firstDifference?: ReplayedBlock
  /** The data dir holds writes outside blocks (dev methods such as `anvil_setBalance`): no block replays them. */
  devWrites: boolean
  ok: boolean
}

export type ReplayOptions = {
  /** The node's store (read only: nothing is written to it). */
  source: ChainStore
  /** An empty store in a scratch directory the blocks are re-executed into. */
  scratch: ChainStore
  /** The node's executor (the serial one is the reference). */
  executor: Executor
  chainId: bigint
  /** The genesis computed from the node's config (dual-vm's `genesisWriteSet` of its allocation). */
  genesis: GenesisSpec
  /** What fills `exitRoot` (an SPN's exit tree over the scratch store); without it the zero hash. */
  exitRoot?: ExitRootHook
  /** Runs after block `number` is committed to the scratch store (an SPN closes settlement batches here). */
  afterBlock?: (number: bigint) => void
  /** Called after each block (progress). */
  onBlock?: (block: ReplayedBlock) => void
  /** Replay at most up to this block (default the stored head). */
  toBlock?: bigint
  /** Further checks of each stored block (the main net verifies its commit certificate here). */
  checkBlock?: (stored: StoredHeader) => ReplayDifference[]
}

/** The scratch store of a replay was not empty. */
export class ReplayScratchNotEmptyError extends BaseError {
  constructor() {
    super('The replay scratch store already holds blocks.', {
      code: 'REPLAY_SCRATCH_NOT_EMPTY',
      name: 'ReplayScratchNotEmptyError',
      metaMessages: ['- Replay into a new, empty directory.'],
    })
  }
}

/** The node's store has no genesis block: nothing to replay. */
export class ReplayEmptyChainError extends BaseError {
  constructor() {
    super('The data dir holds no chain (no genesis block).', {
      code: 'REPLAY_EMPTY_CHAIN',
      name: 'ReplayEmptyChainError',
      metaMessages: ['- Start the node once (`mesh node start --config node.json`) so it writes genesis.'],
    })
  }
}

/** Meta key the store keeps the version of the last write outside blocks under (dev methods). */
const DEV_VERSION_KEY = 'history.devVersion'

/**
 * Re-executes every stored block of `source` from genesis into `scratch` with `executor`, as `Chain.seal`
 * executes them (each block's own context: number, timestamp, coinbase, base fee, gas limit, PREVRANDAO,
 * the 256 hashes before it), and compares each recomputed transactions root (of the transactions the
 * executor included), state root, receipts root, exit root and gas used with the stored header. Stops at
 * the first block that differs and names it with each differing field.
 *
 * @example
 * ```ts
 * const report = await replayChain({
 *   source: new ChainStore({ path: 'data/spn1/chain.db' }),
 *   scratch: new ChainStore({ path: join(tmp, 'chain.db') }),
 *   executor: createSerialExecutor(),
 *   chainId: 9001n,
 *   genesis: genesisWriteSet(alloc),
 * })
 * report.ok // true, or report.firstDifference: { number: 7n, differences: [{ field: 'stateRoot', ... }] }
 * ```
 */
export async function replayChain(options: ReplayOptions): Promise<ReplayReport> {
  const { source, scratch, executor, chainId } = options
  const genesis = source.getHeaderByNumber(0n)
  if (!genesis) throw new ReplayEmptyChainError()
  if (scratch.head()) throw new ReplayScratchNotEmptyError()
  const storedHead = (source.head() as StoredHeader).number
  const head = options.toBlock !== undefined && options.toBlock < storedHead ? options.toBlock : storedHead
  const devWrites = Number(source.getMeta(DEV_VERSION_KEY) ?? 0) > 0
  const report: ReplayReport = { head, blocks: [], txs: 0, devWrites, ok: true }
  if (genesis.stateRoot !== options.genesis.stateRoot) {
    report.genesisMismatch = { stored: genesis.stateRoot, replayed: options.genesis.stateRoot }
    report.ok = false
    return report
  }
  scratch.transaction(() => {
    scratch.commitBlock({
      header: genesis,
      hash: genesis.hash,
      txs: [],
      receipts: [],
      writeSet: options.genesis.writeSet,
      mempoolRemovals: [],
    })
  })
  const state = new SQLiteStateView(scratch)
  const recent: Hex[] = [genesis.hash]
  for (let n = 1n; n <= head; n++) {
    const stored = source.getHeaderByNumber(n) as StoredHeader
    const txs = source.getBlockTxs(n).map((t): SignedTx => {
      const tx = signedTxWithSender(t.raw, chainId, t.from)
      if (tx.type === 'deposit' && t.depositNonce !== undefined) return { ...tx, nonce: t.depositNonce }
      return tx.type !== 'deposit' && isImpersonated(tx) ? { ...tx, impersonated: true } : tx
    })
    const ctx: BlockContext = {
      number: n,
      timestamp: stored.timestamp,
      coinbase: stored.coinbase,
      baseFeePerGas: stored.baseFeePerGas,
      gasLimit: stored.gasLimit,
      chainId,
      prevRandao: prevRandaoOf(stored.parentHash, n),
      recentHashes: recent,
    }
    const result = await executor.executeBlock({ header: ctx, txs }, state)
    const exit = options.exitRoot?.({ number: n, receipts: result.receipts })
    const header: BlockHeader = {
      ...stored,
      stateRoot: result.stateRoot,
      transactionsRoot: transactionsRootOf(result.included.map((t) => t.hash)),
      receiptsRoot: receiptsRootOf(result.receipts),
      logsBloom: result.logsBloom,
      gasUsed: result.gasUsed,
      exitRoot: exit?.exitRoot ?? stored.exitRoot,
    }
    const differences = compareHeaders(stored, header, options.exitRoot !== undefined)
    if (options.checkBlock) differences.push(...options.checkBlock(stored))
    if (result.included.length !== txs.length)
      differences.push({
        field: 'included',
        stored: `${txs.length} txs`,
        replayed: `${result.included.length} txs (${result.skipped.map((s) => `${s.hash} skipped: ${s.reason}`).join('; ')})`,
      })
    const byHash = new Map(txs.map((t) => [t.hash, t]))
    scratch.transaction(() => {
      scratch.commitBlock({
        header,
        hash: stored.hash,
        txs: result.included.map((t) => byHash.get(t.hash) as SignedTx),
        receipts: result.receipts as Receipt[],
        writeSet: result.writeSet,
        mempoolRemovals: [],
        ...(exit?.rows?.length ? { rows: exit.rows } : {}),
      })
      exit?.commit?.()
    })
    exit?.applied?.()
    state.apply(result.writeSet)
    options.afterBlock?.(n)
    recent.push(stored.hash)
    if (recent.length > 256) recent.shift()
    const block: ReplayedBlock = { number: n, txs: txs.length, differences }
    report.blocks.push(block)
    report.txs += txs.length
    options.onBlock?.(block)
    if (differences.length) {
      report.firstDifference = block
      report.ok = false
      break
    }
  }
  return report
}

/** The differing fields of a stored header and its replay (`exitRoot` only when the replay computes one). */
function compareHeaders(
  stored: StoredHeader,
  replayed: BlockHeader,
  withExitRoot: boolean,
): ReplayDifference[] {
  const out: ReplayDifference[] = []
  for (const field of REPLAY_FIELDS) {
    if (field === 'exitRoot' && !withExitRoot) continue
    const a = String(stored[field]).toLowerCase()
    const b = String(replayed[field]).toLowerCase()
    if (a !== b) out.push({ field, stored: a, replayed: b })
  }
  // The stored hash covers every header field: a row edited in another column shows here.
  const hash = hashHeader(stored)
  if (hash !== stored.hash) out.push({ field: 'hash', stored: stored.hash, replayed: hash })
  return out
}
