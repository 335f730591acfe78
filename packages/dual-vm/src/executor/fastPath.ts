import type { PrecompileFunc } from '@ethereumjs/evm'
import {
  type BlockContext,
  EMPTY_CODE_HASH,
  type ExecutableTx,
  InvalidParameterError,
} from '@rollup-mesh/core'
import { type Address, type Hex, padHex } from 'viem'
import type { DualVmEVM } from '../evm/dualEvm.js'
import { type FastTransactionResult, runFastTransaction } from '../evm/fast/engine.js'
import { FastEVMFallbackError } from '../evm/fast/errors.js'
import type { FastBlockEnv } from '../evm/fast/host.js'
import type { JournaledState } from '../state/journal.js'
import type { TxEnv } from './transaction.js'

/** Which EVM runs transactions: the fast interpreter (`src/evm/fast/`) or @ethereumjs/evm. */
export type EvmEngine = 'fast' | 'ethereumjs'

/** The engines by name, for config schemas and flags. */
export const EVM_ENGINES: readonly EvmEngine[] = ['fast', 'ethereumjs']

/**
 * The engine an executor (and `simulateCall`) runs when none is given: the fast engine, since it passed the
 * state tests, the differential fuzzing and the executor and node suites (session 9).
 */
export const DEFAULT_EVM_ENGINE: EvmEngine = 'fast'

/** Checks an `evm` option (`param` names it in the error): `'fast'` or `'ethereumjs'`, `undefined` for the default. */
export function parseEvmEngine(value: unknown, param = 'evm'): EvmEngine {
  if (value === undefined) return DEFAULT_EVM_ENGINE
  if (value === 'fast' || value === 'ethereumjs') return value
  throw new InvalidParameterError({ param, expected: "'fast' or 'ethereumjs'", got: String(value) })
}

/** Adds `from`'s counts to `into` (the parallel executor sums its threads' stats). */
export function addEvmEngineStats(into: EvmEngineStats, from: EvmEngineStats): void {
  into.fast += from.fast
  into.fallback += from.fallback
  for (const [reason, n] of from.fallbackReasons)
    into.fallbackReasons.set(reason, (into.fallbackReasons.get(reason) ?? 0) + n)
}

/** How the fast engine fared: transactions it ran, and those it handed to ethereumjs, by reason. */
export type EvmEngineStats = {
  fast: number
  fallback: number
  fallbackReasons: Map<string, number>
}

export function createEvmEngineStats(): EvmEngineStats {
  return { fast: 0, fallback: 0, fallbackReasons: new Map() }
}

/** The fast engine's per-block setup (precompile table, block context) and the executor's counters. */
export type FastBlock = {
  evm: DualVmEVM
  env: FastBlockEnv
  stats: EvmEngineStats
  /**
   * Called when a transaction's execution on the fast engine has returned (not on a fallback): the parallel
   * executor's speculative view then counts a coinbase read as the fee credit (as `PhasedEVM` does).
   */
  afterCall?: (() => void) | undefined
  /** Why the last transaction handed to ethereumjs was (the parallel executor reports it per transaction). */
  lastFallback?: string | undefined
}

/** Counts one worker's run: on the fast engine (`true`), or handed to ethereumjs for `engine`'s reason. */
export function countFastEngine(stats: EvmEngineStats, engine: true | string): void {
  if (engine === true) {
    stats.fast++
    return
  }
  stats.fallback++
  stats.fallbackReasons.set(engine, (stats.fallbackReasons.get(engine) ?? 0) + 1)
}

/** Prepares a block for the fast engine on `evm` (its journal, precompiles and hardfork). */
export function createFastBlock(
  evm: DualVmEVM,
  header: BlockContext,
  blockHash: (n: bigint) => Hex | undefined,
  stats: EvmEngineStats,
): FastBlock {
  return {
    evm,
    stats,
    env: {
      origin: '0x0000000000000000000000000000000000000000',
      gasPrice: 0n,
      coinbase: header.coinbase.toLowerCase() as Address,
      number: header.number,
      timestamp: header.timestamp,
      gasLimit: header.gasLimit,
      baseFee: header.baseFeePerGas,
      prevRandao: BigInt(padHex(header.prevRandao, { size: 32 })),
      chainId: header.chainId,
      blobBaseFee: 1n, // as `toEthBlock` tells ethereumjs: no blob transactions on an SPN
      blockHash,
    },
  }
}

const precompileTables = new WeakMap<DualVmEVM, Map<string, PrecompileFunc>>()
/** The precompile addresses of an EVM as a set: warm in every transaction (EIP-2929). */
const precompileSets = new WeakMap<DualVmEVM, ReadonlySet<string>>()

/**
 * Runs a validated transaction (gas bought, nonce not yet bumped) on the fast engine, or returns
 * undefined after rolling the journal back to where it started when the engine hands it to ethereumjs
 * (counted in `stats`). Any other throw is a bug and propagates.
 */
export function tryFastTransaction(
  fast: FastBlock,
  env: TxEnv,
  tx: ExecutableTx,
  from: Address,
  to: Address | null,
  data: Uint8Array,
  gas: bigint,
  gasPrice: bigint,
): FastTransactionResult | undefined {
  const evm = fast.evm
  const state: JournaledState = evm.state
  // Gas is a JS number in the fast engine; only pre-Osaka forks (no EIP-7825 cap) allow more.
  if (gas > BigInt(Number.MAX_SAFE_INTEGER)) return fallback(fast, 'gas above 2^53')
  let precompiles = precompileTables.get(evm)
  if (!precompiles) {
    precompiles = evm.precompileFunctions()
    precompileTables.set(evm, precompiles)
  }
  let alwaysWarm = precompileSets.get(evm)
  if (!alwaysWarm) {
    alwaysWarm = new Set(precompiles.keys())
    precompileSets.set(evm, alwaysWarm)
  }
  const warmAddresses: string[] = [from, fast.env.coinbase]
  if (to) warmAddresses.push(to)
  const warmSlots: [Address, Hex][] = []
  for (const entry of tx.accessList ?? []) {
    const address = entry.address.toLowerCase() as Address
    warmAddresses.push(address)
    for (const slot of entry.storageKeys)
      warmSlots.push([address, padHex(slot.toLowerCase() as Hex, { size: 32 })])
  }
  fast.env.origin = from
  fast.env.gasPrice = gasPrice
  const depth = state.depth
  state.checkpoint()
  try {
    const result = runFastTransaction(
      {
        state,
        common: evm.common,
        precompiles,
        precompileEVM: env.ethBlock ? evm.forPrecompiles(env.ethBlock) : evm,
      },
      fast.env,
      { from, to, value: tx.value, data, gas: Number(gas), warmAddresses, warmSlots, alwaysWarm },
    )
    state.commit()
    fast.stats.fast++
    fast.afterCall?.()
    return result
  } catch (error) {
    // A JS stack overflow (frames nest on it) is a fallback too, never a wrong result.
    const reason =
      error instanceof FastEVMFallbackError
        ? error.reason
        : error instanceof RangeError && /call stack/i.test(error.message)
          ? 'the JS stack'
          : undefined
    if (reason === undefined) throw error
    while (state.depth > depth) state.revert()
    return fallback(fast, reason)
  }
}

function fallback(fast: FastBlock, reason: string): undefined {
  fast.lastFallback = reason
  fast.stats.fallback++
  fast.stats.fallbackReasons.set(reason, (fast.stats.fallbackReasons.get(reason) ?? 0) + 1)
  return undefined
}

/** EIP-161 after a fast transaction: touched accounts left empty are deleted. */
export function sweepTouched(state: JournaledState, touched: ReadonlySet<string>): void {
  for (const address of touched) {
    const a = state.getAccount(address as Address)
    if (a && a.nonce === 0n && a.balance === 0n && a.codeHash === EMPTY_CODE_HASH)
      state.putAccount(address as Address, null)
  }
}
