import { importedMemoryLimits } from './memoryImport.js'
import type { MemorySnapshot } from './memorySnapshot.js'
import { reusableModule } from './reset.js'
import type { Run } from './run.js'

/** A compiled module with its memory limits and its pools. */
export type CompiledCode = {
  module: WebAssembly.Module
  limits: { initial: number; maximum: number }
  /** Whether `module` has the reset export, so its instances are reused (see the file comment). */
  reusable: boolean
  /** Clean instances of a reusable module, ready to run. */
  idle: Run[]
  /** A reusable module's memory right after instantiation; set by its first instantiation. */
  snapshot: MemorySnapshot | undefined
  /** Zeroed memories of the initial size (modules that are not reusable get a fresh instance on one). */
  memories: WebAssembly.Memory[]
}

/** Compiles stored code, with the reset export that lets its instances be reused when the module allows it. */
export function compileCode(code: Uint8Array, reuse: boolean): CompiledCode {
  const limits = importedMemoryLimits(code)
  const reusable = reuse ? reusableModule(code) : undefined
  let module: WebAssembly.Module | undefined
  if (reusable) {
    try {
      module = new WebAssembly.Module(reusable)
    } catch {
      module = undefined
    }
  }
  return {
    module: module ?? new WebAssembly.Module(code),
    limits,
    reusable: module !== undefined,
    idle: [],
    snapshot: undefined,
    memories: [],
  }
}
