/** The table user mode prints: one row per metric, a column per run (ours, anvil, ours on the WASM token). */
import { loadavg } from 'node:os'
import { anvilMining } from './anvilTarget.js'
import { comparisonTable } from './comparisonTable.js'
import { STAGES } from './nodeCounters.js'
import { STAGE_BREAKDOWN_COLUMNS } from './txStages.js'
import type { UserModeOptions } from './userMode.js'

/** Client JSON-RPC requests per transaction, by method (viem's waitForTransactionReceipt). */
const REQUEST_COLUMNS = [
  'req_eth_blockNumber',
  'req_eth_getTransactionReceipt',
  'req_eth_getTransactionByHash',
  'req_eth_getBlockByNumber',
]

/** The rows, in table order. */
export const USER_MODE_COLUMNS = [
  'txPerSec',
  'cpuSeconds',
  'cpuMsPerTx',
  'meshCpuSeconds',
  'seconds',
  'receiptP50Ms',
  'receiptP99Ms',
  ...STAGE_BREAKDOWN_COLUMNS,
  'clientRequestsPerTx',
  ...REQUEST_COLUMNS,
  'rejected',
  'retriedPosts',
  'clientCpuSeconds',
  'settlements',
  'settlementsProved',
  'proveMsMean',
  ...STAGES.map((s) => `busy_${s}`),
  'readsOnWorkers',
  'readsOnMain',
]

/**
 * The header (what ran, how, the load average now) and the table: `spn` and `anvil` ran the ERC20
 * (Token.sol), `wasm` the WASM token on a fresh mesh of its own (ours only: anvil runs no WASM).
 *
 * @example
 * ```ts
 * userModeTable(options, 'anvil Version: 1.7.1', { spn: { txPerSec: 900 }, anvil: { txPerSec: 700 }, wasm: { txPerSec: 600 } })
 * // [header, 'metric … spn anvil spn/anvil wasm', 'txPerSec … 900 700 1.29 600', …]
 * ```
 */
export function userModeTable(
  o: UserModeOptions,
  anvilVersion: string,
  results: Record<string, Record<string, number>>,
): string[] {
  const meshFlags = `${o.readWorkers !== undefined ? ` --rpc-read-workers ${o.readWorkers}` : ''}${o.commit !== undefined ? ` --commit ${o.commit}` : ''}${o.workers !== undefined ? ` --workers ${o.workers}` : ''}`
  const runs = [
    ...(results.spn ? [`spn: ERC20 (Token.sol) on spn1`] : []),
    ...(results.anvil ? [`anvil: the same ERC20 on ${anvilVersion || 'anvil'} (${anvilMining(o)})`] : []),
    ...(results.wasm
      ? [
          'wasm: the WASM token (examples/contracts/token.ts, AssemblyScript) on spn1 of a fresh mesh, ours only (anvil runs no WASM)',
        ]
      : []),
  ]
  const header = [
    `SPN user-mode benchmark: spn1 of a default \`mesh up\`${meshFlags} (main net settling); ${o.warmup ? `${o.warmup} unmeasured transfers on each target, then ` : ''}${o.txs} token transfers from ${o.senders} senders in JSON-RPC batches of ${o.batch} (${o.inflight} in flight), each sender waiting on every receipt with viem waitForTransactionReceipt (pollingInterval 100 ms); load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    ...runs.map((r) => `  ${r}`),
  ]
  return [...header, ...comparisonTable(results, USER_MODE_COLUMNS, 30)]
}
