import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join } from 'node:path'
import type { Plugin } from 'vite'

const SHIMS = join(import.meta.dirname, '..', 'src', 'app', 'verifier', 'shims')
const CHAIN_SRC = join(import.meta.dirname, '..', '..', 'chain', 'src')
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]))
/**
 * Native or Node-only packages the verifier's import graph names but never calls in the browser
 * (`@phala/dcap-qvl` verifies hardware quotes' collateral: a simulated enclave's quote has none).
 */
const NODE_ONLY = new Set(['better-sqlite3', 'secp256k1', '@phala/dcap-qvl'])
/** Built-ins with a browser shim; the shim's names are real, the module's other names are stubs. */
const PARTIAL: Record<string, string> = {
  crypto: join(SHIMS, 'crypto.ts'),
  path: join(SHIMS, 'path.ts'),
  buffer: join(SHIMS, 'nodeBuffer.ts'),
}
const STUB = '\0rollup-mesh-node-stub:'
const CHAIN_VIEW = '\0rollup-mesh-chain-view'

/**
 * What the verifier takes from `@rollup-mesh/chain`: the block header and roots, and the settlement
 * header's codec (chain's index would bring the node: SQLite, HTTP, metrics).
 */
const CHAIN_VIEW_CODE = [
  `export { EMPTY_BLOOM, encodeHeader, hashHeader, receiptsRootOf, transactionsRootOf } from ${JSON.stringify(join(CHAIN_SRC, 'block.ts'))}`,
  `export { decodeSettlementHeader, encodeGroth16Proof, encodeSettlementHeader, publicSignalsToUint, SETTLEMENT_HEADER_ABI, SETTLEMENT_HEADER_LENGTH, SETTLEMENT_MAX_LEAVES, settlementHashField, settlementHeaderHash, settlementReportData, settlementSubmitAbi } from ${JSON.stringify(join(CHAIN_SRC, 'settlement.ts'))}`,
].join('\n')

const stubCode = (module: string, names: string[], shim?: string) =>
  [
    // a plain Error subclass with a stable code: stubs are also required from CommonJS, which cannot wait on
    // core's top-level await (its WebAssembly keccak)
    'class BrowserUnsupportedError extends Error {',
    '  constructor(what) { super(what + " is not available in the browser"); this.name = "BrowserUnsupportedError"; this.code = "BROWSER_UNSUPPORTED" }',
    '}',
    `const fail = (key) => function () { throw new BrowserUnsupportedError(${JSON.stringify(module)} + "." + String(key)) }`,
    'const stub = new Proxy(fail("default"), { get: (t, key) => key === "then" ? undefined : key in t ? t[key] : fail(key) })',
    ...(shim
      ? [`export * from ${JSON.stringify(shim)}`, `export { default } from ${JSON.stringify(shim)}`]
      : ['export default stub']),
    ...names.map((n) => `export const ${n} = stub.${n}`),
  ].join('\n')

/**
 * Lets Vite build `mesh proof verify`'s own verifier (`@rollup-mesh/mainnet/bundle`) for the browser:
 * `@chainsafe/blst` (native) → the `@noble/curves` BLS shim; `node:crypto` → the P-256/X.509 shim,
 * `node:path` → a string-only shim, `node:buffer` → the Buffer shim (each with the module's other names as
 * stubs); every other Node built-in or native package → a stub whose functions throw `BROWSER_UNSUPPORTED`
 * when called (the verifier never calls them: the page passes the verifying key, so no artifact file is
 * read); `@rollup-mesh/chain` → the block and settlement-header codecs only. A stub exports the names the
 * real module has (read from Node's own module at build time), so every named import binds.
 */
export function browserShims(): Plugin {
  return {
    name: 'rollup-mesh-browser-shims',
    enforce: 'pre',
    resolveId(id) {
      if (id === '@chainsafe/blst') return join(SHIMS, 'blst.ts')
      if (id === '@rollup-mesh/chain') return CHAIN_VIEW
      if (BUILTINS.has(id) || NODE_ONLY.has(id)) return `${STUB}${id}`
      return undefined
    },
    async load(id) {
      if (id === CHAIN_VIEW) return CHAIN_VIEW_CODE
      if (!id.startsWith(STUB)) return undefined
      const module = id.slice(STUB.length)
      const shim = PARTIAL[module.replace(/^node:/, '')]
      // the shim's own names, from its source (`export function|class|const name`)
      const own = new Set(
        shim
          ? [...readFileSync(shim, 'utf8').matchAll(/^export (?:function|class|const) ([\w$]+)/gm)].map(
              (m) => m[1],
            )
          : [],
      )
      const real: Record<string, unknown> = await import(module).catch(() => ({}))
      const names = Object.keys(real).filter(
        (k) => k !== 'default' && !own.has(k) && /^[A-Za-z_$][\w$]*$/.test(k),
      )
      return stubCode(module, names, shim)
    },
  }
}
