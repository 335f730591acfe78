import { Reader, readLimits, readSections } from './binary/reader.js'
import { WasmValidationError } from './errors.js'
import { HOST_MODULE, MAX_MEMORY_PAGES } from './hostAbi.js'

/** The name instrumented modules import their memory under (from module `mesh`). */
export const MEMORY_IMPORT = 'memory'

const memoryLimitsCache = new WeakMap<Uint8Array, { initial: number; maximum: number }>()

/** The memory limits an instrumented module imports `mesh.memory` with. */
export function importedMemoryLimits(code: Uint8Array): { initial: number; maximum: number } {
  const cached = memoryLimitsCache.get(code)
  if (cached) return cached
  for (const s of readSections(code)) {
    if (s.id !== 2) continue
    const r: Reader = new Reader(code, s.contentStart, s.end)
    for (let n = r.u32(); n > 0; n--) {
      const module = r.name()
      const name = r.name()
      const kind = r.byte()
      if (kind === 2 && module === HOST_MODULE && name === MEMORY_IMPORT) {
        const { initial, maximum } = readLimits(r)
        const limits = { initial, maximum: maximum ?? MAX_MEMORY_PAGES }
        memoryLimitsCache.set(code, limits)
        return limits
      }
      if (kind === 0) r.u32()
      else r.fail('unexpected import kind in instrumented code')
    }
  }
  throw new WasmValidationError('code was not instrumented by this runtime (no mesh.memory import)')
}

/** Records the limits the instrumenter gave `code` (so the engine never re-reads a module it just produced). */
export function rememberImportedMemoryLimits(
  code: Uint8Array,
  limits: { initial: number; maximum: number },
): void {
  memoryLimitsCache.set(code, limits)
}
