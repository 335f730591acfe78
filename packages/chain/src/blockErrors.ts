import { BaseError } from '@rollup-mesh/core'

/**
 * A proposed block does not match what re-executing its transactions gives (`Chain.executeBlock`):
 * `field` names the first header field (or `transactions`, `parent`) that differs. Nothing was committed.
 */
export class InvalidBlockError extends BaseError {
  readonly field: string
  readonly expected: string
  readonly got: string
  constructor(args: { number: bigint; field: string; expected: string; got: string; hint?: string }) {
    super(`Block ${args.number} is invalid: "${args.field}" is ${args.got}, expected ${args.expected}.`, {
      code: 'INVALID_BLOCK',
      name: 'InvalidBlockError',
      metaMessages: [
        args.hint ?? '- The proposer built it on another state or with other rules; the block is refused.',
      ],
    })
    this.field = args.field
    this.expected = args.expected
    this.got = args.got
  }
}

/** A block candidate no longer extends the head (another block was committed since it was built). */
export class StaleCandidateError extends BaseError {
  constructor(number: bigint, parentHash: string, head: string) {
    super(`Block candidate ${number} extends ${parentHash}, but the head is now ${head}.`, {
      code: 'STALE_CANDIDATE',
      name: 'StaleCandidateError',
      metaMessages: ['- Build or execute the block again on the current head.'],
    })
  }
}
