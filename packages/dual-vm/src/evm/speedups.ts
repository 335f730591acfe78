import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import type { Common } from '@ethereumjs/common'

/**
 * Two memoisations for @ethereumjs/evm's hot path that do not change what it
 * computes:
 *
 * - `Common.isActivatedEIP` searches an array on every call (about 6% of an
 *   ERC20 transfer); our Common never changes hardfork, so its answers are cached.
 * - The interpreter re-runs jump-destination analysis over the whole contract
 *   on every call (another 6%); the result depends only on the code and the
 *   opcode table, so it is cached per (opcode table, code object).
 */
export function memoizeActivatedEIPs(common: Common): void {
  const original = common.isActivatedEIP.bind(common)
  const cache = new Map<number, boolean>()
  common.isActivatedEIP = (eip: number) => {
    let active = cache.get(eip)
    if (active === undefined) {
      active = original(eip)
      cache.set(eip, active)
    }
    return active
  }
  common.events.on('hardforkChanged', () => cache.clear())
}

type JumpAnalysis = unknown
type InterpreterLike = {
  _evm: { _opcodeMap: object }
  _getValidJumpDestinations(code: Uint8Array): JumpAnalysis
}

let patched = false

/** Installs the jump-analysis cache on ethereumjs's (unexported) Interpreter; a no-op if its shape changed. */
export async function installJumpAnalysisCache(): Promise<boolean> {
  if (patched) return true
  try {
    const entry = createRequire(import.meta.url)
      .resolve('@ethereumjs/evm')
      .replace(/[\\/]cjs[\\/]index\.js$/, '/esm/interpreter.js')
    const mod = (await import(pathToFileURL(entry).href)) as { Interpreter?: { prototype: InterpreterLike } }
    const proto = mod.Interpreter?.prototype
    if (!proto || typeof proto._getValidJumpDestinations !== 'function') return false
    const original = proto._getValidJumpDestinations
    const caches = new WeakMap<object, WeakMap<Uint8Array, JumpAnalysis>>()
    proto._getValidJumpDestinations = function (this: InterpreterLike, code: Uint8Array) {
      const table = this._evm._opcodeMap
      let byCode = caches.get(table)
      if (!byCode) {
        byCode = new WeakMap()
        caches.set(table, byCode)
      }
      let analysis = byCode.get(code)
      if (analysis === undefined) {
        analysis = original.call(this, code)
        byCode.set(code, analysis)
      }
      return analysis
    }
    patched = true
    return true
  } catch {
    return false
  }
}
