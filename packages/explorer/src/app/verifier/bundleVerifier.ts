// Node globals first: the verifier's packages read `Buffer` at load time.
import './shims/globals.js'
import settlementVkey from 'virtual:settlement-vkey'
import {
  type BundleVerification,
  exportProofBundle,
  type ProofBundle,
  type VerifyBundleOptions,
  verifyProofBundle,
} from '@rollup-mesh/mainnet/bundle'
import { createPublicClient, http } from 'viem'

/**
 * The browser build of `mesh proof verify` and `mesh proof export`: the same `verifyProofBundle` and
 * `exportProofBundle` (`@rollup-mesh/mainnet/bundle`), with `@chainsafe/blst` and `node:crypto` served by
 * the shims under `./shims/` (see `vite/browserShims.ts`) and the settlement circuit's verifying key built
 * in, as the CLI reads it from zk-bridge's artifacts. Loaded on demand by the Messages page.
 *
 * @example
 * ```ts
 * const { verifyBundleText } = await import('./verifier/bundleVerifier.js')
 * const result = await verifyBundleText(await file.text())
 * result.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`)
 * ```
 */
export async function verifyBundleText(text: string): Promise<BundleVerification> {
  let bundle: unknown
  try {
    bundle = JSON.parse(text)
  } catch (error) {
    return {
      ok: false,
      failed: 'bundle',
      checks: [{ name: 'bundle', ok: false, detail: `not JSON: ${(error as Error).message}` }],
      trust: { validator: 'bundle', validatorsHash: 'bundle', measurements: 'bundle', vkey: 'option' },
    }
  }
  return verifyProofBundle(bundle, { vkey: settlementVkey as unknown as VerifyBundleOptions['vkey'] })
}

/** Exports the bundle of the message at exit-tree `position` of the SPN at `spnRpcUrl`, as `mesh proof export` does. */
export async function exportBundle(params: {
  spnRpcUrl: string
  mainnetRpcUrl: string
  position: number
}): Promise<ProofBundle> {
  const spn = createPublicClient({ transport: http(params.spnRpcUrl) })
  const mainnet = createPublicClient({ transport: http(params.mainnetRpcUrl) })
  return exportProofBundle({ spn, mainnet, position: params.position })
}
