import { BaseError } from '@rollup-mesh/core'

/**
 * `bench:spn --mode user` could not measure what it set out to: a node answered a JSON-RPC error, a receipt
 * did not come, or the workload's transfers did not do what they should (a reverted transfer, a balance
 * that does not add up). A benchmark that counted failed transfers as throughput would measure nothing.
 */
export class UserModeError extends BaseError {
  constructor(shortMessage: string, metaMessages: string[] = []) {
    super(shortMessage, { code: 'BENCH_USER_MODE', name: 'UserModeError', metaMessages })
  }
}
