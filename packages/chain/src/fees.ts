/** The priority fee per gas `tx` pays a block producer at `baseFee` (negative when underpriced). */
export function effectiveTip(tx: { feeCap: bigint; tipCap: bigint }, baseFee: bigint): bigint {
  return minBig(tx.feeCap - baseFee, tx.tipCap)
}

/** The smaller of two bigints (Math.min does not take bigints). */
export function minBig(a: bigint, b: bigint): bigint {
  if (a < b) return a
  return b
}

/** The gas price `tx` pays at `baseFee`. */
export function effectiveGasPrice(tx: { feeCap: bigint; tipCap: bigint }, baseFee: bigint): bigint {
  return baseFee + effectiveTip(tx, baseFee)
}
