import type { Receipt } from '@rollup-mesh/core'
import type Database from 'better-sqlite3'
import type { Hex } from 'viem'
import type { StoredHeader } from './block.js'
import { receiptFromJSON } from './codec.js'
import { selectLogs } from './storeLogSelect.js'
import { type BlockRow, rowToHeader, rowToTx, type TxRow } from './storeRows.js'
import { BLOCK_READ_STATEMENTS, type BlockReadStatements, prepareChainStatements } from './storeStatements.js'
import type { LogQuery, StoredLog, StoredTx } from './storeTypes.js'

/**
 * Reads of committed blocks, transactions, receipts and logs over one SQLite connection: the chain store's
 * own (`ChainStore` delegates to it), or a read-only connection of the RPC read workers (`rpc/readWorker.ts`),
 * so both threads answer from the same code.
 *
 * @example
 * ```ts
 * const reads = new BlockReads(new Database(path, { readonly: true, fileMustExist: true }))
 * reads.head()?.number // the newest committed block
 * reads.getReceipt(hash) // { tx, receipt, firstLogIndex } once its block is committed
 * ```
 */
export class BlockReads {
  readonly #db: Database.Database
  private readonly st: BlockReadStatements

  constructor(db: Database.Database) {
    this.#db = db
    this.st = prepareChainStatements(db, BLOCK_READ_STATEMENTS)
  }

  /** The newest committed header, or undefined before genesis. */
  head(): StoredHeader | undefined {
    const row = this.st.head.get() as BlockRow | undefined
    return row ? rowToHeader(row) : undefined
  }

  getHeaderByNumber(n: bigint): StoredHeader | undefined {
    const row = this.st.blockByNumber.get(Number(n)) as BlockRow | undefined
    return row ? rowToHeader(row) : undefined
  }

  getHeaderByHash(hash: Hex): StoredHeader | undefined {
    const row = this.st.blockByHash.get(hash.toLowerCase()) as BlockRow | undefined
    return row ? rowToHeader(row) : undefined
  }

  getBlockTxs(n: bigint): StoredTx[] {
    return (this.st.txsOfBlock.all(Number(n)) as TxRow[]).map(rowToTx)
  }

  getTx(hash: Hex): StoredTx | undefined {
    const row = this.st.txByHash.get(hash.toLowerCase()) as TxRow | undefined
    return row ? rowToTx(row) : undefined
  }

  /** A transaction's receipt, with the block-wide index of its first log. */
  getReceipt(hash: Hex): { tx: StoredTx; receipt: Receipt; firstLogIndex: number } | undefined {
    const row = this.st.txByHash.get(hash.toLowerCase()) as TxRow | undefined
    if (!row) return undefined
    const tx = rowToTx(row)
    const receipt = receiptFromJSON(row.receipt, tx)
    if (tx.depositNonce !== undefined) receipt.depositNonce = tx.depositNonce
    const firstLogIndex = row.first_log ?? this.firstLogIndex(tx.blockNumber, tx.index)
    return { tx, receipt, firstLogIndex }
  }

  /** The block-wide index of the first log of transaction `txIndex` of block `n` (counted: O(logs of the block)). */
  firstLogIndex(n: bigint, txIndex: number): number {
    return this.st.logsBefore.get(Number(n), txIndex) as number
  }

  /** Logs matching `q`, in block and log order, at most `q.limit`. */
  getLogs(q: LogQuery): StoredLog[] {
    return selectLogs(this.#db, q)
  }
}
