import type { ChainStore, StoreStatement } from '@rollup-mesh/chain'
import type { DuplicateVoteEvidence, ValidatorSet, Vote } from '@rollup-mesh/consensus'
import { type Address, bytesToHex, type Hex, hexToBytes } from 'viem'

/** Evidence as `mesh_getEvidence` serves it. */
export type StoredEvidence = {
  kind: 'duplicate-vote'
  validator: Address
  height: Hex
  round: number
  voteA: Record<string, unknown>
  voteB: Record<string, unknown>
  includedIn: Hex | null
}

/** One offence: a validator, a height, a round and a vote type (the store's key; included once). */
export type OffenceKey = { validator: Address; height: number; round: number; type: Vote['type'] }

type VoteJSON = ReturnType<typeof voteJSON>

const voteOfJSON = (j: VoteJSON): Vote => ({
  type: j.type,
  height: j.height,
  round: j.round,
  value: j.value,
  validator: j.validator,
  ...(j.signature ? { signature: hexToBytes(j.signature) } : {}),
})

const voteJSON = (v: Vote) => ({
  type: v.type,
  height: v.height,
  round: v.round,
  value: v.value,
  validator: v.validator,
  signature: v.signature ? bytesToHex(v.signature) : null,
})

/**
 * Equivocation evidence the consensus driver saw (`evidence` outputs) or a committed block included,
 * persisted in the chain store as the `mainnet_evidence` store extension (one row per offence: validator,
 * height, round and vote type). `pending` is what the next proposer includes; `markIncluded` records the
 * block that did (`includedIn`, served by `mesh_getEvidence`).
 *
 * @example
 * ```ts
 * const evidence = new EvidenceStore(chain.store)
 * evidence.add(output.evidence, schedule.setAt(output.evidence.voteA.height))
 * evidence.pending(8) // not yet included
 * ```
 */
export class EvidenceStore {
  readonly #insert: StoreStatement
  readonly #all: StoreStatement
  readonly #pending: StoreStatement
  readonly #included: StoreStatement
  readonly #mark: StoreStatement

  constructor(store: ChainStore) {
    const h = store.registerExtension({
      name: 'mainnet_evidence',
      migrations: [
        (ctx) =>
          ctx.exec(`CREATE TABLE mainnet_evidence (
            validator TEXT NOT NULL, height INTEGER NOT NULL, round INTEGER NOT NULL, type TEXT NOT NULL,
            vote_a TEXT NOT NULL, vote_b TEXT NOT NULL, included_in INTEGER,
            PRIMARY KEY (validator, height, round, type))`),
      ],
    })
    this.#insert = h.prepare(
      'INSERT OR IGNORE INTO mainnet_evidence (validator, height, round, type, vote_a, vote_b) VALUES (?, ?, ?, ?, ?, ?)',
    )
    this.#all = h.prepare(
      'SELECT validator, height, round, vote_a, vote_b, included_in FROM mainnet_evidence ORDER BY height, round',
    )
    this.#pending = h.prepare(
      'SELECT vote_a, vote_b FROM mainnet_evidence WHERE included_in IS NULL ORDER BY height, round, validator, type LIMIT ?',
    )
    this.#included = h.prepare(
      'SELECT included_in FROM mainnet_evidence WHERE validator = ? AND height = ? AND round = ? AND type = ?',
    )
    this.#mark = h.prepare(
      'UPDATE mainnet_evidence SET included_in = ? WHERE validator = ? AND height = ? AND round = ? AND type = ?',
    )
  }

  /** Evidence not yet included in a block, oldest first (at most `limit`). */
  pending(limit: number): DuplicateVoteEvidence[] {
    const rows = this.#pending.all(limit) as Array<{ vote_a: string; vote_b: string }>
    return rows.map((r) => ({
      kind: 'duplicate-vote',
      voteA: voteOfJSON(JSON.parse(r.vote_a)),
      voteB: voteOfJSON(JSON.parse(r.vote_b)),
    }))
  }

  /** The block that included this offence, or null (unknown or not yet included). */
  includedIn(o: OffenceKey): bigint | null {
    const row = this.#included.get(o.validator.toLowerCase(), o.height, o.round, o.type) as
      | { included_in: number | null }
      | undefined
    return row?.included_in == null ? null : BigInt(row.included_in)
  }

  /** Records the block that included `evidence` (stored first when this node had not seen it). */
  markIncluded(evidence: DuplicateVoteEvidence, set: ValidatorSet, block: bigint): void {
    this.add(evidence, set)
    const a = evidence.voteA
    const address = set.validators[a.validator]?.address.toLowerCase() ?? `#${a.validator}`
    this.#mark.run(Number(block), address, a.height, a.round, a.type)
  }

  /** Persists one piece of evidence (a repeat is ignored). */
  add(evidence: DuplicateVoteEvidence, set: ValidatorSet): void {
    const a = evidence.voteA
    const address = set.validators[a.validator]?.address.toLowerCase() ?? `#${a.validator}`
    this.#insert.run(
      address,
      a.height,
      a.round,
      a.type,
      JSON.stringify(voteJSON(a)),
      JSON.stringify(voteJSON(evidence.voteB)),
    )
  }

  all(): StoredEvidence[] {
    const rows = this.#all.all() as Array<{
      validator: string
      height: number
      round: number
      vote_a: string
      vote_b: string
      included_in: number | null
    }>
    return rows.map((r) => ({
      kind: 'duplicate-vote',
      validator: r.validator as Address,
      height: `0x${r.height.toString(16)}`,
      round: r.round,
      voteA: JSON.parse(r.vote_a),
      voteB: JSON.parse(r.vote_b),
      includedIn: r.included_in === null ? null : `0x${r.included_in.toString(16)}`,
    }))
  }
}
