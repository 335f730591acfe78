import { BaseError } from '@rollup-mesh/core'

/**
 * JSON-RPC error codes (EIP-1474 / JSON-RPC 2.0). Mempool rejections use
 * -32000 with geth's messages, which viem maps onto its own error classes.
 */
export const RPCErrorCode = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  server: -32000,
  /** Execution reverted (geth/anvil use 3 with the revert data in `data`). */
  executionReverted: 3,
  limitExceeded: -32005,
} as const

/**
 * An error that maps onto a JSON-RPC error object. It is built without a stack trace: it is an answer to
 * a client (invalid params, a refused transaction), never a fault of this node to debug, and a hostile
 * 1,000-request batch builds one per request (capturing the stacks was ~20% of such a batch's dispatch).
 */
export class RPCError extends BaseError {
  readonly rpcCode: number
  readonly data: unknown
  constructor(
    rpcCode: number,
    message: string,
    opts: { code?: string; data?: unknown; name?: string; metaMessages?: string[] } = {},
  ) {
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    try {
      super(message, {
        code: opts.code ?? 'RPC_ERROR',
        name: opts.name ?? 'RPCError',
        metaMessages: opts.metaMessages,
      })
    } finally {
      Error.stackTraceLimit = stackTraceLimit
    }
    this.rpcCode = rpcCode
    this.data = opts.data
  }
}

/** Why the mempool refused a transaction; `message` is geth's wording so wallets recognise it. */
export type TxRejectReason =
  | 'ALREADY_KNOWN'
  | 'NONCE_TOO_LOW'
  | 'NONCE_TOO_HIGH'
  | 'INSUFFICIENT_FUNDS'
  | 'INTRINSIC_GAS_TOO_LOW'
  | 'GAS_LIMIT_EXCEEDED'
  | 'FEE_CAP_TOO_LOW'
  | 'TIP_ABOVE_FEE_CAP'
  | 'UNDERPRICED'
  | 'REPLACEMENT_UNDERPRICED'
  | 'OVERSIZED'
  | 'INVALID_ENCODING'
  | 'UNSUPPORTED_TYPE'
  | 'INVALID_SIGNATURE'
  | 'WRONG_CHAIN_ID'
  | 'POOL_FULL'

/** The mempool refused a transaction. */
export class TxRejectedError extends RPCError {
  readonly reason: TxRejectReason
  constructor(reason: TxRejectReason, message: string, metaMessages?: string[]) {
    super(RPCErrorCode.server, message, {
      code: `TX_${reason}`,
      name: 'TxRejectedError',
      ...(metaMessages ? { metaMessages } : {}),
    })
    this.reason = reason
  }
}

/** The chain store found something it did not write (a corrupt or foreign data dir). */
export class ChainStoreError extends BaseError {
  constructor(message: string, metaMessages?: string[]) {
    super(message, { code: 'CHAIN_STORE', name: 'ChainStoreError', metaMessages })
  }
}
