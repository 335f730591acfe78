import { BaseError } from '@rollup-mesh/core'

/** A gossip or sync message failed strict decoding: wrong shape, length, or a non-canonical integer. */
export class InvalidMessageError extends BaseError {
  readonly field: string
  constructor({ what, field, expected }: { what: string; field: string; expected: string }) {
    super(`Invalid ${what}: field "${field}" is malformed.`, {
      code: 'P2P_MESSAGE_INVALID',
      name: 'InvalidMessageError',
      metaMessages: [`- Expected ${expected}.`],
    })
    this.field = field
  }
}

/** A message is larger than its topic or protocol allows. */
export class MessageTooLargeError extends BaseError {
  constructor({ what, size, limit }: { what: string; size: number; limit: number }) {
    super(`${what} of ${size} bytes is larger than the limit of ${limit} bytes.`, {
      code: 'P2P_MESSAGE_TOO_LARGE',
      name: 'MessageTooLargeError',
    })
  }
}

export type SyncErrorCode =
  | 'SYNC_BAD_REQUEST'
  | 'SYNC_UNAVAILABLE'
  | 'SYNC_SERVER_ERROR'
  | 'SYNC_TIMEOUT'
  | 'SYNC_INVALID_RESPONSE'
  | 'SYNC_STREAM_ERROR'

/** What one peer said when several were asked in turn (`requestExitBatchesFromAny`). */
export type SyncAttempt = { peerId: string; result: SyncErrorCode | 'SYNC_EMPTY'; message: string }

/** A sync request failed: refused by the peer (bad range, no provider), timed out, or answered with garbage. */
export class SyncError extends BaseError {
  override readonly code: SyncErrorCode
  /** When several peers were asked: what each one said, in the order asked. */
  readonly attempts: SyncAttempt[] | undefined
  constructor(
    code: SyncErrorCode,
    message: string,
    options: { cause?: unknown; metaMessages?: string[]; attempts?: SyncAttempt[] } = {},
  ) {
    super(message, { code, name: 'SyncError', cause: options.cause, metaMessages: options.metaMessages })
    this.code = code
    this.attempts = options.attempts
  }
}
