/**
 * The proof bundle (DESIGN §4), also served light as `@rollup-mesh/mainnet/bundle` so `mesh proof verify`
 * loads neither libp2p nor the node: its types, `exportProofBundle` (needs a main-net node that serves
 * `mesh_getCommit`), `verifyProofBundle` (offline) and the commit-certificate checks.
 */
export { verifyBundleCommit } from './bundle/commitCheck.js'
export { BundleExportError, type BundleExportErrorCode } from './bundle/errors.js'
export { exportProofBundle } from './bundle/export.js'
export { exportBundleCommit } from './bundle/exportCommit.js'
export {
  type BundleCheck,
  type BundleCheckName,
  type BundleCommit,
  type BundleCommitLink,
  type BundleHeader,
  type BundleValidator,
  type BundleVerification,
  PROOF_BUNDLE_VERSION,
  type ProofBundle,
  type VerifyBundleOptions,
} from './bundle/types.js'
export { verifyProofBundle } from './bundle/verify.js'
