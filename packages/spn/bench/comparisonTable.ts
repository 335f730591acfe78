/**
 * The table both SPN benchmark modes print: one row per metric, one column per result, and the spn/anvil
 * ratio right after the anvil column when both ran (further results, e.g. user mode's WASM run, follow it).
 *
 * @example
 * ```ts
 * comparisonTable({ spn: { txPerSec: 2000 }, anvil: { txPerSec: 1000 } }, ['txPerSec'], 14)
 * // metric                spn      anvil  spn/anvil
 * // txPerSec             2000       1000       2.00
 * ```
 */
export function comparisonTable(
  results: Record<string, Record<string, number | undefined> | undefined>,
  cols: readonly string[],
  metricWidth: number,
): string[] {
  const names = Object.keys(results)
  const ratio = results.spn !== undefined && results.anvil !== undefined
  // The ratio column sits right after anvil's: the columns it compares are beside it.
  const ratioAt = ratio ? names.indexOf('anvil') + 1 : -1
  const fmt = (v: number | undefined) =>
    v === undefined ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(2)
  const withRatio = (cells: string[], r: string) =>
    ratio ? [...cells.slice(0, ratioAt + 1), r.padStart(10), ...cells.slice(ratioAt + 1)] : cells
  const lines = [
    withRatio(['metric'.padEnd(metricWidth), ...names.map((n) => n.padStart(10))], 'spn/anvil').join(' '),
  ]
  for (const c of cols) {
    const a = results.spn?.[c]
    const b = results.anvil?.[c]
    const cells = [c.padEnd(metricWidth), ...names.map((n) => fmt(results[n]?.[c]).padStart(10))]
    lines.push(withRatio(cells, a !== undefined && b ? (a / b).toFixed(2) : '-').join(' '))
  }
  return lines
}
