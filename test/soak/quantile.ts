/**
 * The `q`-quantile of `xs` (nearest rank below: index ⌊q·n⌋ of the sorted values); NaN when empty.
 *
 *   quantile([3, 1, 2], 0.5) // 2
 */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN
}
