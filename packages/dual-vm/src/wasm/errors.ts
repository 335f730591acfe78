import { BaseError } from '@rollup-mesh/core'

/** A WASM deployment payload was rejected at deploy time (malformed, non-deterministic or unbounded). */
export class WasmValidationError extends BaseError {
  /** Byte offset in the module the problem was found at, when there is one. */
  readonly offset: number | undefined

  constructor(problem: string, options: { offset?: number | undefined; hint?: string | undefined } = {}) {
    const at = options.offset !== undefined ? ` at offset 0x${options.offset.toString(16)}` : ''
    super(`Invalid WASM module: ${problem}${at}.`, {
      code: 'WASM_VALIDATION',
      name: 'WasmValidationError',
      metaMessages: options.hint ? [`- ${options.hint}`] : undefined,
    })
    this.offset = options.offset
  }
}
