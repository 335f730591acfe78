import { BaseError } from '@rollup-mesh/core'

/** Which check of an exit batch against its finalized settlement failed. */
export type ExitBatchCheck =
  | 'spn'
  | 'start-index'
  | 'leaf-count'
  | 'frontier'
  | 'position'
  | 'message-spn'
  | 'root'
  | 'inclusion-proof'

/**
 * An exit batch a peer served does not match the settlement the main net finalized for it (`check` names
 * the first check that failed). The batch is dropped; the next round asks again, possibly another peer.
 */
export class ExitBatchMismatchError extends BaseError {
  readonly check: ExitBatchCheck
  constructor(check: ExitBatchCheck, message: string, expected: string) {
    super(message, {
      code: 'EXIT_BATCH_MISMATCH',
      name: 'ExitBatchMismatchError',
      metaMessages: [`- Expected ${expected}.`, '- The peer served a wrong batch; it is fetched again.'],
    })
    this.check = check
  }
}

/** Delivery needs libp2p to fetch other SPNs' exit batches, and the node runs without it. */
export class DeliveryWithoutP2PError extends BaseError {
  constructor() {
    super('Exit batches of other SPNs cannot be fetched: this node has no p2p host.', {
      code: 'DELIVERY_NO_P2P',
      name: 'DeliveryWithoutP2PError',
      metaMessages: ['- Give the SPN a `p2p` config section (delivery fetches exit batches over libp2p).'],
    })
  }
}

/** No peer of the source SPN served the exit batch a finalized settlement covers (yet). */
export class ExitBatchUnavailableError extends BaseError {
  constructor(srcSpn: bigint, batch: bigint) {
    super(`No peer served exit batch ${batch} of SPN ${srcSpn}.`, {
      code: 'EXIT_BATCH_UNAVAILABLE',
      name: 'ExitBatchUnavailableError',
      metaMessages: [
        `- Expected a node of SPN ${srcSpn} among the peers, serving its closed batches.`,
        '- Retried every round; check that the source SPN is up and connected.',
      ],
    })
  }
}

/** A view call into the SPN Mailbox could not be made or reverted (delivery reads its nullifiers and roots). */
export class MailboxCallError extends BaseError {
  constructor(message: string, metaMessages: string[]) {
    super(message, { code: 'MAILBOX_CALL_FAILED', name: 'MailboxCallError', metaMessages })
  }
}
