import { concatBytes } from 'viem'
import { WasmValidationError } from './errors.js'
import { ENVELOPE_SECTION, findEnvelopeSplit } from './module.js'

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
