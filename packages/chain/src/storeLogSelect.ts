import type Database from 'better-sqlite3'
import type { Address, Hex } from 'viem'
import type { LogRow } from './storeRows.js'
import type { LogQuery, StoredLog } from './storeTypes.js'

/**
 * The logs of the chain store matching an `eth_getLogs`-style query (block range, addresses, topics per
 * position), in block and log order, at most `q.limit`: one SQL query over the `logs` table's indexes.
 *
 * @example
 * ```ts
 * const logs = selectLogs(db, { fromBlock: 0n, toBlock: 10n, addresses: [], topics: [[transferTopic]], limit: 1_000 })
 * ```
 */
export function selectLogs(db: Database.Database, q: LogQuery): StoredLog[] {
  const where = ['block_number >= ?', 'block_number <= ?']
  const args: (string | number)[] = [Number(q.fromBlock), Number(q.toBlock)]
  if (q.addresses.length > 0) {
    where.push(`address IN (${q.addresses.map(() => '?').join(',')})`)
    args.push(...q.addresses.map((a) => a.toLowerCase()))
  }
  q.topics.slice(0, 4).forEach((alts, i) => {
    if (!alts || alts.length === 0) return
    where.push(`topic${i} IN (${alts.map(() => '?').join(',')})`)
    args.push(...alts.map((t) => t.toLowerCase()))
  })
  args.push(q.limit)
  const rows = db
    .prepare(
      `SELECT l.*, b.hash AS block_hash FROM logs l JOIN blocks b ON b.number = l.block_number
         WHERE ${where.map((w) => `l.${w}`).join(' AND ')} ORDER BY l.block_number, l.log_index LIMIT ?`,
    )
    .all(...args) as LogRow[]
  return rows.map((r) => ({
    address: r.address as Address,
    topics: [r.topic0, r.topic1, r.topic2, r.topic3].filter((t): t is string => t !== null) as Hex[],
    data: r.data as Hex,
    blockNumber: BigInt(r.block_number),
    blockHash: r.block_hash as Hex,
    transactionHash: r.tx_hash as Hex,
    transactionIndex: r.tx_index,
    logIndex: r.log_index,
  }))
}
