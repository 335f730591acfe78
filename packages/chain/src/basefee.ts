/** EIP-1559 parameters; the defaults are Ethereum's. */
export type BaseFeeParams = {
  /** Target is gasLimit / elasticity. */
  elasticityMultiplier: bigint
  /** Max change per block is 1 / denominator. */
  changeDenominator: bigint
  /** The base fee never goes below this. */
  minBaseFee: bigint
}

export const defaultBaseFeeParams: BaseFeeParams = {
  elasticityMultiplier: 2n,
  changeDenominator: 8n,
  minBaseFee: 7n,
}

/** The base fee of the child of a block with `parent`'s gas used, gas limit and base fee (EIP-1559). */
export function nextBaseFee(
  parent: { gasUsed: bigint; gasLimit: bigint; baseFeePerGas: bigint },
  params: BaseFeeParams = defaultBaseFeeParams,
): bigint {
  const target = parent.gasLimit / params.elasticityMultiplier
  const base = parent.baseFeePerGas
  let next: bigint
  if (parent.gasUsed === target || target === 0n) next = base
  else if (parent.gasUsed > target) {
    const delta = (base * (parent.gasUsed - target)) / target / params.changeDenominator
    next = base + (delta > 1n ? delta : 1n)
  } else {
    const delta = (base * (target - parent.gasUsed)) / target / params.changeDenominator
    next = base - delta
  }
  return next < params.minBaseFee ? params.minBaseFee : next
}
