import { BaseError } from '@rollup-mesh/core'

/**
 * A Node API the browser build of the verifier does not have was called (`BROWSER_UNSUPPORTED`), or a
 * shim was given input it cannot handle. The verifier never needs these paths when the page passes the
 * verifying key; meeting one is a bug in the page, named here.
 */
export class BrowserShimError extends BaseError {
  constructor(shortMessage: string, code = 'BROWSER_UNSUPPORTED') {
    super(shortMessage, { name: 'BrowserShimError', code })
  }
}
