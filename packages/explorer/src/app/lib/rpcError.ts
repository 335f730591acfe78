/**
 * A node refused or could not answer a JSON-RPC call made by the page. The browser bundle does not import
 * `@rollup-mesh/core` (its logger is for Node); this mirrors its `BaseError`: a stable `code` and a short message.
 */
export class RPCCallError extends Error {
  override name = 'RPCCallError'
  readonly code: string
  readonly shortMessage: string
  constructor(shortMessage: string, code: 'RPC_UNREACHABLE' | 'RPC_HTTP' | 'RPC_ERROR' | 'RPC_TIMEOUT') {
    super(shortMessage)
    this.shortMessage = shortMessage
    this.code = code
  }
}
