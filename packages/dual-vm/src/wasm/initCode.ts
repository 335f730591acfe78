import type { VmKind } from '@rollup-mesh/core'

/** Which VM contract-creation data deploys to: WASM when it starts with the WebAssembly magic. */

/** The four bytes every WebAssembly module starts with (`\0asm`). */
export const WASM_MAGIC = new Uint8Array([0x00, 0x61, 0x73, 0x6d])

/**
 * Which VM a contract-creation payload deploys to: init data that starts with
 * the WASM magic deploys a WASM contract, anything else is EVM init code.
 */
export function vmOfInitCode(initCode: Uint8Array): VmKind {
  if (initCode.length < WASM_MAGIC.length) return 'evm'
  for (let i = 0; i < WASM_MAGIC.length; i++) if (initCode[i] !== WASM_MAGIC[i]) return 'evm'
  return 'wasm'
}

/** Creation data that starts with `\0asm` deploys a WASM contract. */
export function isWasmInitCode(data: Uint8Array): boolean {
  return data.length >= 4 && WASM_MAGIC.every((b, i) => data[i] === b)
}
