/**
 * The table both SPN benchmark modes print: one row per metric, one column per node, and the spn/anvil ratio
 * when both ran.
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
  const fmt = (v: number | undefined) =>
    v === undefined ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(2)
  const lines = [
    [
      'metric'.padEnd(metricWidth),
      ...names.map((n) => n.padStart(10)),
      ...(names.length > 1 ? ['spn/anvil'.padStart(10)] : []),
    ].join(' '),
  ]
  for (const c of cols) {
    const row = [c.padEnd(metricWidth), ...names.map((n) => fmt(results[n]?.[c]).padStart(10))]
    if (names.length > 1) {
      const a = results.spn?.[c]
      const b = results.anvil?.[c]
      row.push((a !== undefined && b ? (a / b).toFixed(2) : '-').padStart(10))
    }
    lines.push(row.join(' '))
  }
  return lines
}
