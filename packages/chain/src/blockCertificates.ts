import type { Hex } from 'viem'
import type { ChainStore } from './store.js'
import type { StoreExtensionHandle, StoreStatement } from './storeExtension.js'
import type { StoreRowWrite } from './storeTypes.js'

const PUT_SQL = 'INSERT OR REPLACE INTO chain_certificates (number, hash, certificate) VALUES (?, ?, ?)'

/** A block's finality certificate as stored with it (opaque bytes to the chain: consensus encodes them). */
export type StoredCertificate = { number: bigint; hash: Hex; certificate: Uint8Array }

/**
 * The certificates committed with their blocks (`Chain.commitCandidate(candidate, { certificate })`), in the
 * chain store's database as the `chain_certificates` store extension, so a block and its certificate land
 * in one SQLite transaction. A rewind deletes the certificates above the block it goes back to.
 *
 * @example
 * ```ts
 * chain.certificates.get(12n) // { number: 12n, hash: '0x…', certificate: Uint8Array } or undefined
 * ```
 */
export class BlockCertificates {
  readonly #handle: StoreExtensionHandle
  readonly #put: StoreStatement
  readonly #get: StoreStatement
  readonly #latest: StoreStatement
  readonly #deleteAbove: StoreStatement

  constructor(store: ChainStore) {
    this.#handle = store.registerExtension({
      name: 'chain_certificates',
      migrations: [
        (ctx) =>
          ctx.exec(
            'CREATE TABLE chain_certificates (number INTEGER PRIMARY KEY, hash TEXT NOT NULL, certificate BLOB NOT NULL)',
          ),
      ],
    })
    const h = this.#handle
    this.#put = h.prepare(PUT_SQL)
    this.#get = h.prepare('SELECT number, hash, certificate FROM chain_certificates WHERE number = ?')
    this.#latest = h.prepare('SELECT MAX(number) FROM chain_certificates').pluck()
    this.#deleteAbove = h.prepare('DELETE FROM chain_certificates WHERE number > ?')
  }

  /** Stores a certificate (call inside the block's store transaction). */
  put(number: bigint, hash: Hex, certificate: Uint8Array): void {
    this.#put.run(...this.row(number, hash, certificate).params)
  }

  /**
   * The certificate's row as data (`BlockCommit.rows`): what `put` writes, for a commit applied on another
   * connection (the writer thread's).
   */
  row(number: bigint, hash: Hex, certificate: Uint8Array): StoreRowWrite {
    return { sql: PUT_SQL, params: [Number(number), hash.toLowerCase(), Buffer.from(certificate)] }
  }

  get(number: bigint): StoredCertificate | undefined {
    const row = this.#get.get(Number(number)) as
      | { number: number; hash: string; certificate: Buffer }
      | undefined
    if (!row) return undefined
    return { number: BigInt(row.number), hash: row.hash as Hex, certificate: new Uint8Array(row.certificate) }
  }

  /** The highest block with a certificate, or undefined when none has one. */
  latest(): bigint | undefined {
    const n = this.#latest.get() as number | null
    return n === null || n === undefined ? undefined : BigInt(n)
  }

  /** Deletes certificates above `block` (a rewind; inside its store transaction). */
  deleteAbove(block: bigint): void {
    this.#deleteAbove.run(Number(block))
  }
}
