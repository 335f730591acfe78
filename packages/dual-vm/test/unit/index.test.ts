import { describe, expect, it } from 'vitest'
import { vmOfInitCode, WASM_MAGIC } from '../../src/index.js'

describe('vmOfInitCode', () => {
  it('routes the WASM magic to the WASM VM and the rest to the EVM', () => {
    expect(vmOfInitCode(new Uint8Array([...WASM_MAGIC, 1, 0, 0, 0]))).toBe('wasm')
    expect(vmOfInitCode(new Uint8Array([0x60, 0x80, 0x60, 0x40]))).toBe('evm')
    expect(vmOfInitCode(new Uint8Array([0x00, 0x61]))).toBe('evm')
  })
})
