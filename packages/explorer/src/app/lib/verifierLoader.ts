/** The browser verifier (snarkjs, BLS, X.509: ~1 MB), loaded the first time a bundle is exported or verified. */
export type BundleVerifierModule = typeof import('../verifier/bundleVerifier.js')

let loading: Promise<BundleVerifierModule> | undefined

/**
 * The verifier chunk, loaded once on demand (the pages that do not verify never fetch it).
 *
 * @example
 * const { verifyBundleText } = await loadVerifier()
 */
export function loadVerifier(): Promise<BundleVerifierModule> {
  loading ??= import('../verifier/bundleVerifier.js')
  return loading
}
