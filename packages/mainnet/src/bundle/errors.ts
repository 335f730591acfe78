import { BaseError } from '@rollup-mesh/core'

/** Why `exportProofBundle` could not gather the main net's finality evidence. */
export type BundleExportErrorCode =
  /** The main-net node does not serve `mesh_getCommit` / `mesh_getValidators` (a single-key node). */
  | 'BUNDLE_COMMIT_UNAVAILABLE'
  /** The node has no commit certificate for the accepting block. */
  | 'BUNDLE_NOT_COMMITTED'
  /** What the node served does not form the header, certificate or set chain the bundle needs. */
  | 'BUNDLE_COMMIT_INVALID'

/** Exporting a proof bundle failed gathering the commit certificate; `code` says which step. */
export class BundleExportError extends BaseError {
  constructor(code: BundleExportErrorCode, message: string, meta: string[] = [], cause?: Error) {
    super(message, {
      code,
      name: 'BundleExportError',
      metaMessages: meta,
      ...(cause ? { cause } : {}),
    })
  }
}
