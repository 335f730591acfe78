import { type Chain, ChainRewindError, type RewindHook } from '@rollup-mesh/chain'
import type { ValidatorSchedule } from '@rollup-mesh/consensus'
import { type Address, decodeEventLog, type Hex } from 'viem'
import { validatorGovernanceAbi } from '../contracts.generated.js'
import { CONSENSUS_ADDRESSES } from './consensusAddresses.js'
import { type GenesisValidatorConfig, validatorSetOfConfig } from './validatorKeys.js'

/** A log as the chain store and sealed blocks give it. */
type LogLike = { address: Address; topics: readonly Hex[]; data: Hex }

/** One governance request, as a `ValidatorGovernance` event records it. */
export type ValidatorChange =
  | { kind: 'add'; validator: GenesisValidatorConfig }
  | { kind: 'power'; address: Address; power: number }
  | { kind: 'remove'; address: Address }

const GOVERNANCE = CONSENSUS_ADDRESSES.validatorGovernance

/** The validator-set changes a block's logs request, in log order (other logs are skipped). */
export function validatorChangesOf(logs: readonly LogLike[]): ValidatorChange[] {
  const out: ValidatorChange[] = []
  for (const log of logs) {
    if (log.address.toLowerCase() !== GOVERNANCE) continue
    const e = decodeEventLog({
      abi: validatorGovernanceAbi,
      topics: log.topics as [Hex, ...Hex[]],
      data: log.data,
    })
    const address = e.args.validator.toLowerCase() as Address
    if (e.eventName === 'ValidatorAdded')
      out.push({
        kind: 'add',
        validator: {
          address,
          blsPublicKey: e.args.blsPublicKey.toLowerCase() as Hex,
          proofOfPossession: e.args.proofOfPossession.toLowerCase() as Hex,
          power: Number(e.args.power),
        },
      })
    else if (e.eventName === 'ValidatorPowerChanged')
      out.push({ kind: 'power', address, power: Number(e.args.power) })
    else out.push({ kind: 'remove', address })
  }
  return out
}

/** The list after `changes`: an added validator goes last, a removed one leaves, the order is kept. */
export function applyValidatorChanges(
  entries: readonly GenesisValidatorConfig[],
  changes: readonly ValidatorChange[],
): GenesisValidatorConfig[] {
  let next = [...entries]
  for (const c of changes) {
    if (c.kind === 'add') next.push(c.validator)
    else if (c.kind === 'power')
      next = next.map((v) => (v.address === c.address ? { ...v, power: c.power } : v))
    else next = next.filter((v) => v.address !== c.address)
  }
  return next
}

/**
 * The main net's validator sets as governance changes them: the `ValidatorSchedule` every consensus part
 * reads (driver, gossip validation, commit sync, RPC) plus each set's config entries (with proofs of
 * possession, which `mesh_getValidators` serves for certificate chains). After a block with
 * `ValidatorGovernance` events commits at height h, the set as changed so far is scheduled for
 * `schedule.effectiveHeight(h)` (the first epoch boundary at least one full epoch later); changes in one
 * epoch land together. A restarted node replays the contract's logs from its store.
 *
 * @example
 * ```ts
 * const governed = new GovernedValidators(schedule, genesisEntries)
 * governed.replay(chain) // at start
 * chain.events.on('block', (b) => governed.applyBlock(b.header.number, logsOfBlock(b)))
 * governed.entriesAt(42) // the set signing block 42, with PoPs
 * ```
 */
export class GovernedValidators {
  readonly schedule: ValidatorSchedule
  readonly #bySetHash = new Map<Hex, GenesisValidatorConfig[]>()
  readonly #changedAt: bigint[] = []
  readonly #listeners: Array<(effectiveHeight: number) => void> = []

  constructor(schedule: ValidatorSchedule, genesis: readonly GenesisValidatorConfig[]) {
    this.schedule = schedule
    this.#bySetHash.set(schedule.setAt(schedule.firstHeight).hash, [...genesis])
  }

  /** The config entries of the set signing `height` (genesis before the first height). */
  entriesAt(height: number): GenesisValidatorConfig[] {
    const h = Math.max(this.schedule.firstHeight, height)
    return [...(this.#bySetHash.get(this.schedule.setAt(h).hash) ?? [])]
  }

  /** The set as changed so far (the last scheduled one). */
  latest(): GenesisValidatorConfig[] {
    const last = this.schedule.entries.at(-1)
    return [...(last ? (this.#bySetHash.get(last.set.hash) ?? []) : [])]
  }

  /** Every address that is or was scheduled to validate (header and settlement gossip signers). */
  addresses(): Address[] {
    const all = new Set<Address>()
    for (const entries of this.#bySetHash.values()) for (const v of entries) all.add(v.address)
    return [...all]
  }

  /** Called with the effective height whenever a change is scheduled. */
  onChange(fn: (effectiveHeight: number) => void): void {
    this.#listeners.push(fn)
  }

  /**
   * Applies the governance events of committed block `number`; returns the height the new set takes effect,
   * or undefined when the block changed nothing.
   */
  applyBlock(number: bigint, logs: readonly LogLike[]): number | undefined {
    const changes = validatorChangesOf(logs)
    if (changes.length === 0) return undefined
    const entries = applyValidatorChanges(this.latest(), changes)
    // The contract checked every request (PoP, membership, key reuse, bounds), so this builds.
    const set = validatorSetOfConfig(entries)
    const at = this.schedule.scheduleChange(set, Number(number))
    this.#bySetHash.set(set.hash, entries)
    this.#changedAt.push(number)
    for (const fn of this.#listeners) fn(at)
    return at
  }

  /** Replays the governance events of blocks 1..head from the chain store (a node restarting, a replay). */
  replay(chain: Pick<Chain, 'store'>): void {
    const head = chain.store.head()?.number ?? 0n
    if (head < 1n) return
    const logs = chain.store.getLogs({
      fromBlock: 1n,
      toBlock: head,
      addresses: [GOVERNANCE],
      topics: [],
      limit: Number.MAX_SAFE_INTEGER,
    })
    const byBlock = new Map<bigint, LogLike[]>()
    for (const l of logs) byBlock.set(l.blockNumber, [...(byBlock.get(l.blockNumber) ?? []), l])
    for (const [n, ls] of [...byBlock].sort(([a], [b]) => (a < b ? -1 : 1))) this.applyBlock(n, ls)
  }

  /**
   * A rewind hook (dev snapshots) refusing to rewind below a block that changed the validator set: the
   * schedule cannot be un-scheduled, and other validators already follow it.
   */
  rewindGuard(chain: Chain): RewindHook {
    return {
      check: (block) => {
        const after = this.#changedAt.find((n) => n > block && n <= chain.head().number)
        if (after !== undefined)
          throw new ChainRewindError(
            `Cannot rewind to block ${block}: block ${after} changed the validator set by governance.`,
            ['- Revert to a snapshot taken after that block.'],
          )
      },
      rewind: () => {},
    }
  }
}
