import { BaseError } from '@rollup-mesh/core'

/** The explorer could not start or serve; `code` is stable (`EXPLORER_NOT_BUILT`, `EXPLORER_LISTEN`, …). */
export class ExplorerError extends BaseError {
  constructor(shortMessage: string, args: { code: string; metaMessages?: string[]; cause?: unknown }) {
    super(shortMessage, { name: 'ExplorerError', ...args })
  }
}
