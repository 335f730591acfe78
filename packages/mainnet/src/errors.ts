import { BaseError } from '@rollup-mesh/core'

/** The main net refused a settlement; `reason` is the contract's revert string (`Settlement: …`). */
export class SettlementRejectedError extends BaseError {
  readonly reason: string
  constructor(reason: string, options: { cause?: Error; spnId?: bigint } = {}) {
    super(`Settlement rejected: ${reason}`, {
      code: 'SETTLEMENT_REJECTED',
      name: 'SettlementRejectedError',
      metaMessages: [
        ...(options.spnId !== undefined ? [`- spnId: ${options.spnId}`] : []),
        '- Read Settlement.tipOf(spnId) for the range and roots the next settlement must extend.',
      ],
      ...(options.cause ? { cause: options.cause } : {}),
    })
    this.reason = reason
  }
}

/** A proof bundle failed one of `verifyProofBundle`'s checks: it is not what the check expects. */
export class BundleCheckError extends BaseError {
  /** What the check expected of the bundle. */
  readonly expected: string
  constructor(expected: string) {
    super(`expected ${expected}`, { code: 'BUNDLE_CHECK_FAILED', name: 'BundleCheckError' })
    this.expected = expected
  }
}
