import { BaseError } from '@rollup-mesh/core'
import { RPCError, RPCErrorCode } from './errors.js'

/** A store extension's definition is unusable (a bad name): a bug in the code that registers it. */
export class InvalidStoreExtensionError extends BaseError {
  constructor(name: string) {
    super(`Store extension name "${name}" is invalid.`, {
      code: 'STORE_EXTENSION_INVALID',
      name: 'InvalidStoreExtensionError',
      metaMessages: [
        '- A name is lower-case letters, digits and underscores, starting with a letter (e.g. `spn_inbox`).',
      ],
    })
  }
}

/** The data dir was written by newer code: its extension tables have a version this code cannot read. */
export class StoreExtensionTooNewError extends BaseError {
  readonly extension: string
  readonly stored: number
  readonly supported: number
  constructor(extension: string, stored: number, supported: number) {
    super(
      `Store extension "${extension}" is at version ${stored}; this code reads up to version ${supported}.`,
      {
        code: 'STORE_EXTENSION_TOO_NEW',
        name: 'StoreExtensionTooNewError',
        metaMessages: [
          '- The data dir was written by a newer release.',
          '- Run that release (or newer) on it, or start this one with a fresh data dir.',
        ],
      },
    )
    this.extension = extension
    this.stored = stored
    this.supported = supported
  }
}

/** The meta table holds something other than a version for an extension (a corrupt or foreign data dir). */
export class StoreExtensionVersionError extends BaseError {
  constructor(extension: string, stored: string) {
    super(`Store extension "${extension}" has version "${stored}" in the meta table, not a whole number.`, {
      code: 'STORE_EXTENSION_VERSION',
      name: 'StoreExtensionVersionError',
      metaMessages: ['- The data dir was not written by rollup-mesh; use a fresh one.'],
    })
  }
}

/** A state read at a block older than the state history kept (an RPC error naming the oldest block kept). */
export class HistoryWindowError extends RPCError {
  readonly block: bigint
  readonly oldest: bigint
  constructor(block: bigint, oldest: bigint) {
    super(
      RPCErrorCode.server,
      `historical state not available for block ${block}: the oldest block whose state this node keeps is ${oldest}`,
      {
        code: 'HISTORY_OUT_OF_WINDOW',
        name: 'HistoryWindowError',
        metaMessages: [
          `- Query block ${oldest} or newer, or raise the node's history retention (history.blocks).`,
        ],
      },
    )
    this.block = block
    this.oldest = oldest
  }
}

/**
 * The chain cannot be rewound to a block (it is ahead of the head, or a block above it already left the
 * node); over RPC (`evm_revert`) a -32000 error with this message.
 */
export class ChainRewindError extends RPCError {
  constructor(message: string, metaMessages?: string[]) {
    super(RPCErrorCode.server, message, {
      code: 'CHAIN_REWIND',
      name: 'ChainRewindError',
      ...(metaMessages ? { metaMessages } : {}),
    })
  }
}

/**
 * The commit writer thread (`CommitWriter`) did not make a block durable: its SQLite transaction failed
 * (rolled back: nothing of the block landed), or the thread is gone or closed. `causeCode` is the code
 * of the error the thread hit, when it had one (`CHAIN_STORE`, `DISK_FULL`, ...).
 */
export class CommitWriterError extends BaseError {
  readonly block: bigint | undefined
  readonly causeCode: string | undefined
  constructor(block: bigint | undefined, reason: string, causeCode?: string) {
    super(
      block === undefined
        ? `The commit writer failed: ${reason}`
        : `The commit writer did not commit block ${block}: ${reason}`,
      {
        code: 'COMMIT_WRITER',
        name: 'CommitWriterError',
        metaMessages: [
          '- A failed block commit rolls back whole: the store holds the blocks before it.',
          ...(causeCode ? [`- The writer's error code: ${causeCode}.`] : []),
        ],
      },
    )
    this.block = block
    this.causeCode = causeCode
  }
}
