import { InvalidParameterError } from '@rollup-mesh/core'
import type { WasmEngineSource } from './protocol.js'

/** Imports `source.module` and calls its factory (`wasm`, `precompiles` options); undefined without a source. */
export async function loadFactory<T>(
  source: WasmEngineSource | undefined,
  option: string,
): Promise<T | undefined> {
  if (!source) return undefined
  const mod = (await import(source.module)) as Record<string, unknown>
  const factory = mod[source.exportName]
  if (typeof factory !== 'function')
    throw new InvalidParameterError({
      param: `${option}.exportName`,
      expected: `a factory exported by ${source.module}`,
      got: source.exportName,
    })
  return (await factory(source.options)) as T
}
