/**
 * The SPN's own counters for user mode, from its Prometheus `/metrics`: seconds spent in each block stage
 * and read-only RPC requests by the thread that answered them, turned into each stage's busy fraction of
 * the run (the column that shows which stage limits).
 */

/** The block stages `/metrics` times (chain's `mesh_block_stage_seconds`). */
export const STAGES = ['select', 'execute', 'receipts', 'commit', 'settle'] as const

/**
 * Seconds spent so far in each block stage and read-only RPC requests answered by the read workers, from
 * the node's `/metrics` (undefined for a node without it: anvil).
 */
export async function nodeCounters(url: string): Promise<Record<string, number> | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(30_000) })
    if (!res.ok) return undefined
    const out: Record<string, number> = {}
    for (const line of (await res.text()).split('\n')) {
      const stage = line.match(/^mesh_block_stage_seconds_sum\{[^}]*stage="(\w+)"[^}]*\} (\S+)$/)
      if (stage) out[stage[1]!] = Number(stage[2])
      const reads = line.match(/^mesh_rpc_reads_total\{[^}]*thread="(\w+)"[^}]*\} (\S+)$/)
      if (reads) out[`reads_${reads[1]}`] = Number(reads[2])
    }
    return Object.keys(out).length ? out : undefined
  } catch {
    return undefined
  }
}

/** Each stage's busy fraction of the run (stage seconds / wall seconds) and the reads the workers answered. */
export function stageColumns(
  before: Record<string, number> | undefined,
  after: Record<string, number> | undefined,
  seconds: number,
): Record<string, number> {
  if (!before || !after) return {}
  const delta = (k: string) => (after[k] ?? 0) - (before[k] ?? 0)
  const out: Record<string, number> = {}
  for (const s of STAGES) out[`busy_${s}`] = delta(s) / seconds
  out.readsOnWorkers = delta('reads_worker')
  out.readsOnMain = delta('reads_main')
  return out
}
