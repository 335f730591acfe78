/**
 * Weighted round-robin proposer selection as CometBFT's `ValidatorSet.IncrementProposerPriority`
 * (types/validator_set.go): every step each validator's priority grows by its power, the highest priority
 * proposes (ties: the lower index) and pays the total power back. Over `total` steps a validator proposes
 * `power` times. Before stepping, priorities are re-centred on zero and their spread is bounded by
 * 2 × total power (CometBFT's `RescalePriorities` + `shiftByAvgProposerPriority`), so they never grow
 * without bound.
 *
 * @example
 * ```ts
 * const { priorities, proposer } = incrementProposerPriority([0, 0, 0], [1, 1, 2], 1)
 * // proposer === 2 (the heaviest first), priorities === [1, 1, -2]
 * ```
 */
export function incrementProposerPriority(
  priorities: readonly number[],
  powers: readonly number[],
  times: number,
): { priorities: number[]; proposer: number } {
  const n = powers.length
  const total = powers.reduce((a, b) => a + b, 0)
  let p = [...priorities]
  // Rescale: keep max - min within 2 × total (integer division toward zero, as Go).
  const max = Math.max(...p)
  const min = Math.min(...p)
  const diff = max - min
  const diffMax = 2 * total
  if (diff > diffMax) {
    const ratio = Math.ceil(diff / diffMax)
    p = p.map((x) => Math.trunc(x / ratio))
  }
  // Shift by the average so priorities stay centred on zero.
  const avg = Math.trunc(p.reduce((a, b) => a + b, 0) / n)
  p = p.map((x) => x - avg)
  let proposer = 0
  for (let t = 0; t < times; t++) {
    for (let i = 0; i < n; i++) p[i] = (p[i] ?? 0) + (powers[i] ?? 0)
    proposer = 0
    for (let i = 1; i < n; i++) if ((p[i] ?? 0) > (p[proposer] ?? 0)) proposer = i
    p[proposer] = (p[proposer] ?? 0) - total
  }
  return { priorities: p, proposer }
}
