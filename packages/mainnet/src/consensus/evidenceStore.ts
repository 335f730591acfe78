import type { ChainStore, StoreStatement } from '@rollup-mesh/chain'
import type { DuplicateVoteEvidence, ValidatorSet, Vote } from '@rollup-mesh/consensus'
import { type Address, bytesToHex, type Hex } from 'viem'

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

const voteJSON = (v: Vote) => ({
  type: v.type,
  height: v.height,
  round: v.round,
  value: v.value,
  validator: v.validator,
  signature: v.signature ? bytesToHex(v.signature) : null,
})

/**
 * Equivocation evidence the consensus driver saw (`evidence` outputs), persisted in the chain store as the
 * `mainnet_evidence` store extension (one row per validator, height, round and vote type). Including it
 * in a later block is not done yet (`includedIn` stays null).
 */
export class EvidenceStore {
  readonly #insert: StoreStatement
  readonly #all: StoreStatement

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
