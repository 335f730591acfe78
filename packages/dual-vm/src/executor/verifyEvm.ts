import type { Hardfork } from '@ethereumjs/common'
import {
  type AccountState,
  type BlockContext,
  type ExecutableTx,
  InvalidParameterError,
  type WriteSet,
} from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import { DualVmEVM } from '../evm/dualEvm.js'
import { EvmMismatchError } from '../evm/fast/errors.js'
import type { CustomPrecompiles } from '../evm/precompiles.js'
import { JournaledState } from '../state/journal.js'
import type { WasmEngine } from '../wasm/types.js'
import { createFastBlock, type EvmEngineStats, type FastBlock } from './fastPath.js'
import { runTransaction, type TxEnv, type TxOutcome } from './transaction.js'

/** Checks a `verifyEvm` option: a fraction from 0 (never, the default) to 1 (every transaction). */
export function parseVerifyEvm(value: unknown, param = 'verifyEvm'): number {
  if (value === undefined) return 0
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1) return value
  throw new InvalidParameterError({ param, expected: 'a fraction from 0 to 1', got: String(value) })
}

/**
 * Whether `verifyEvm` checks this transaction: the first four bytes of its hash, read as a fraction of
 * 2^32, are below `fraction`. Deterministic, so every node (and a replay) checks the same transactions.
 */
export function sampledForVerification(hash: Hex, fraction: number): boolean {
  if (fraction >= 1) return true
  if (fraction <= 0) return false
  return Number.parseInt(hash.slice(2, 10), 16) / 0x1_0000_0000 < fraction
}

/** Test-only: changes the fast run's outcome before it is compared, to show that the check bites. */
export const verifyEvmTestHooks: { perturb?: ((outcome: TxOutcome) => void) | undefined } = {}

/**
 * `verifyEvm`: runs a transaction on the fast engine and on @ethereumjs/evm, each on its own overlay of
 * the block's journal (the same pre-state), compares the outcome, the receipt, the created addresses and
 * the write set, throws `EvmMismatchError` on the first difference, and otherwise applies the fast run's
 * writes to the block's journal: what is committed is exactly what was checked.
 */
export class EvmVerifier {
  private readonly fastState: JournaledState
  private readonly refState: JournaledState
  private readonly fastEvm: DualVmEVM
  private readonly refEvm: DualVmEVM
  private readonly fast: FastBlock

  constructor(
    private readonly block: JournaledState,
    options: {
      header: BlockContext
      blockHash: (n: bigint) => Hex | undefined
      wasm: WasmEngine | undefined
      precompiles: CustomPrecompiles | undefined
      hardfork: Hardfork | undefined
      stats: EvmEngineStats
    },
  ) {
    this.fastState = new JournaledState(block)
    this.refState = new JournaledState(block)
    const evm = (state: JournaledState) =>
      new DualVmEVM({
        chainId: options.header.chainId,
        state,
        wasm: options.wasm,
        blockHash: options.blockHash,
        precompiles: options.precompiles,
        hardfork: options.hardfork,
      })
    this.fastEvm = evm(this.fastState)
    this.refEvm = evm(this.refState)
    this.fast = createFastBlock(this.fastEvm, options.header, options.blockHash, options.stats)
  }

  /** Runs `tx` (as the serial executor would with `env`) on both engines; the fast outcome when they agree. */
  async run(env: TxEnv, tx: ExecutableTx): Promise<TxOutcome> {
    this.fastState.rebase(this.block)
    this.refState.rebase(this.block)
    const fast = await runTransaction({ ...env, evm: this.fastEvm, fast: this.fast }, tx)
    const reference = await runTransaction({ ...env, evm: this.refEvm, fast: undefined }, tx)
    verifyEvmTestHooks.perturb?.(fast)
    const fastWrites = this.fastState.writeSet()
    const refWrites = this.refState.writeSet()
    const difference =
      outcomeDifference(fast, reference) ??
      createdDifference(this.block, fastWrites, refWrites) ??
      writeSetDifference(fastWrites, refWrites)
    if (difference) throw new EvmMismatchError(tx.hash, ...difference)
    applyWrites(this.block, fastWrites)
    return fast
  }
}

type Difference = [field: string, fast: string, ethereumjs: string]

const show = (v: unknown): string =>
  v === undefined ? 'absent' : JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x))

function outcomeDifference(fast: TxOutcome, ref: TxOutcome): Difference | undefined {
  if (!fast.included || !ref.included) {
    const a = fast.included ? 'included' : `skipped: ${fast.reason}`
    const b = ref.included ? 'included' : `skipped: ${ref.reason}`
    return a === b ? undefined : ['included', a, b]
  }
  const x = fast.receipt
  const y = ref.receipt
  for (const field of ['status', 'gasUsed', 'contractAddress', 'revertData'] as const)
    if (x[field] !== y[field]) return [`receipt.${field}`, show(x[field]), show(y[field])]
  if (x.logs.length !== y.logs.length)
    return ['receipt.logs.length', String(x.logs.length), String(y.logs.length)]
  for (let i = 0; i < x.logs.length; i++)
    if (show(x.logs[i]) !== show(y.logs[i])) return [`receipt.logs[${i}]`, show(x.logs[i]), show(y.logs[i])]
  return undefined
}

/** Accounts the transaction brought into being (absent before it, present after). */
function created(before: JournaledState, ws: WriteSet): string {
  const out: string[] = []
  for (const [address, account] of ws.accounts)
    if (account !== null && before.getAccount(address) === undefined) out.push(address)
  return out.sort().join(',')
}

function createdDifference(before: JournaledState, fast: WriteSet, ref: WriteSet): Difference | undefined {
  const a = created(before, fast)
  const b = created(before, ref)
  return a === b ? undefined : ['createdAddresses', a || 'none', b || 'none']
}

function writeSetDifference(fast: WriteSet, ref: WriteSet): Difference | undefined {
  const accounts = new Set([...fast.accounts.keys(), ...ref.accounts.keys()])
  for (const address of [...accounts].sort()) {
    const a = fast.accounts.get(address)
    const b = ref.accounts.get(address)
    if (a === undefined || b === undefined || a === null || b === null) {
      if (a !== b) return [`writeSet.accounts[${address}]`, describe(a), describe(b)]
      continue
    }
    for (const field of ['nonce', 'balance', 'codeHash', 'vm'] as const)
      if (a[field] !== b[field])
        return [`writeSet.accounts[${address}].${field}`, show(a[field]), show(b[field])]
  }
  const owners = new Set([...fast.storage.keys(), ...ref.storage.keys()])
  for (const address of [...owners].sort()) {
    const a = fast.storage.get(address) ?? new Map<Hex, Hex>()
    const b = ref.storage.get(address) ?? new Map<Hex, Hex>()
    for (const slot of [...new Set([...a.keys(), ...b.keys()])].sort())
      if (a.get(slot) !== b.get(slot))
        return [
          `writeSet.storage[${address}][${slot}]`,
          a.get(slot) ?? 'unwritten',
          b.get(slot) ?? 'unwritten',
        ]
  }
  const codes = new Set([...fast.code.keys(), ...ref.code.keys()])
  for (const hash of [...codes].sort())
    if (fast.code.has(hash) !== ref.code.has(hash))
      return [`writeSet.code[${hash}]`, String(fast.code.has(hash)), String(ref.code.has(hash))]
  return undefined
}

function describe(account: AccountState | null | undefined): string {
  return account === undefined ? 'unwritten' : account === null ? 'deleted' : show(account)
}

/** Applies a transaction's write set (over `journal` itself) to `journal`: code, then accounts, then storage. */
function applyWrites(journal: JournaledState, ws: WriteSet): void {
  journal.beginTransaction()
  for (const [hash, code] of ws.code) {
    const owner = [...ws.accounts].find(([, a]) => a?.codeHash === hash)
    if (owner?.[1]) journal.putCode(owner[0] as Address, code, owner[1].vm)
  }
  for (const [address, account] of ws.accounts) journal.putAccount(address, account)
  for (const [address, slots] of ws.storage)
    for (const [slot, value] of slots) journal.putStorage(address, slot, value)
}
