import { concatBytes } from 'viem'
import { SECTION_NAMES } from './binary/format.js'
import { Reader } from './binary/reader.js'
import { WasmValidationError } from './errors.js'

/**
 * The WASM deployment envelope.
 *
 * viem's `deployContract({ bytecode, abi, args })` sends `bytecode ++ abiEncode(args)`.
 * For WASM, `bytecode` is an "envelope-ready" module: the compiled module
 * followed by one empty custom section named `rollup-mesh:args`
 * (`0x00 0x11 0x10 "rollup-mesh:args"`, 19 bytes). Everything after that
 * section is the ABI-encoded constructor arguments, which the contract's
 * `deploy` export reads as its calldata. A module without the marker deploys
 * with empty constructor arguments; bytes appended to a module without the
 * marker are rejected (they would not parse as a section).
 *
 * The marker section is not part of the stored code: the account's code is the
 * validated, instrumented module.
 */

/** Custom section that ends a deployment envelope's module. */
export const ENVELOPE_SECTION = 'rollup-mesh:args'

const NAME = new TextEncoder().encode(ENVELOPE_SECTION)

/** The custom section that ends an envelope-ready module. */
export const ENVELOPE_MARKER = Uint8Array.from([0x00, NAME.length + 1, NAME.length, ...NAME])

/** Returns `module` with the envelope marker appended (idempotent). */
export function toEnvelopeModule(module: Uint8Array): Uint8Array {
  const { moduleEnd, argsStart } = findEnvelopeSplit(module)
  if (argsStart !== module.length || moduleEnd !== module.length) {
    if (argsStart === module.length) return module
    throw new WasmValidationError('module already carries constructor args after its envelope marker')
  }
  return concatBytes([module, ENVELOPE_MARKER])
}

/** Builds a complete deployment payload: envelope-ready module plus ABI-encoded constructor args. */
export function encodeWasmDeployData(
  module: Uint8Array,
  constructorArgs: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return concatBytes([toEnvelopeModule(module), constructorArgs])
}

/** Splits a deployment payload into the module (marker excluded) and the constructor args. */
export function splitEnvelope(initData: Uint8Array): { module: Uint8Array; constructorArgs: Uint8Array } {
  const { moduleEnd, argsStart } = findEnvelopeSplit(initData)
  return { module: initData.subarray(0, moduleEnd), constructorArgs: initData.slice(argsStart) }
}

/**
 * Splits `bytes` at the envelope marker: returns the module's length (the
 * marker section excluded) and where constructor args start, or the whole
 * input when there is no marker.
 */
export function findEnvelopeSplit(bytes: Uint8Array): { moduleEnd: number; argsStart: number } {
  if (bytes.length < 8)
    throw new WasmValidationError('module is shorter than its 8-byte header', { offset: 0 })
  const r: Reader = new Reader(bytes, 8)
  while (r.pos < r.end) {
    const start = r.pos
    const id = r.byte()
    const size = r.u32()
    const contentStart = r.pos
    if (contentStart + size > r.end) {
      r.fail(
        `section ${SECTION_NAMES[id] ?? id} runs past the end of the data (constructor args must follow a "${ENVELOPE_SECTION}" custom section)`,
        start,
      )
    }
    if (id === 0) {
      const name = r.name()
      if (name === ENVELOPE_SECTION) return { moduleEnd: start, argsStart: contentStart + size }
    }
    r.pos = contentStart + size
  }
  return { moduleEnd: bytes.length, argsStart: bytes.length }
}
