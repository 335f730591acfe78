import { describe, expect, it } from 'vitest'
import { WasmValidationError } from '../../../src/wasm/errors.js'
import { GAS_GLOBAL_EXPORT, MAX_MEMORY_PAGES } from '../../../src/wasm/hostAbi.js'
import { validateAndInstrument } from '../../../src/wasm/instrument.js'
import { importedMemoryLimits } from '../../../src/wasm/memoryImport.js'
import { contract, wat } from './world.js'

const ENTRY = '(func (export "call")) (func (export "deploy"))'

function rejection(bytes: Uint8Array): string {
  try {
    validateAndInstrument(bytes)
  } catch (error) {
    expect(error).toBeInstanceOf(WasmValidationError)
    expect((error as WasmValidationError).code).toBe('WASM_VALIDATION')
    return (error as WasmValidationError).shortMessage
  }
  throw new Error('module was accepted')
}

describe('WASM deploy-time validation', () => {
  it('accepts a minimal contract and exports the gas global', () => {
    const { code } = validateAndInstrument(contract(ENTRY))
    const names = WebAssembly.Module.exports(new WebAssembly.Module(code)).map((e) => e.name)
    expect(names).toEqual(expect.arrayContaining(['call', 'deploy', 'memory', GAS_GLOBAL_EXPORT]))
  })

  it('rejects malformed modules', () => {
    expect(rejection(new Uint8Array([1, 2, 3]))).toMatch(/shorter than its 8-byte header/)
    expect(rejection(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]))).toMatch(/unsupported WASM version/)
    const good = contract(ENTRY)
    expect(rejection(good.slice(0, good.length - 3))).toMatch(
      /unexpected end|runs past|failed WebAssembly validation/,
    )
    expect(rejection(Uint8Array.from([...good.slice(0, 8), 0x0d, 0x00]))).toMatch(/unknown section id 13/)
  })

  it('rejects float instructions, naming the function, opcode and offset', () => {
    const msg = rejection(
      contract(
        `(func (export "call") (drop (i32.trunc_f64_s (f64.add (f64.reinterpret_i64 (i64.const 1)) (f64.reinterpret_i64 (i64.const 2)))))) (func (export "deploy"))`,
      ),
    )
    expect(msg).toMatch(/function 0 uses f64\.\w+ at offset 0x[0-9a-f]+/)
    expect(rejection(contract('(func (export "call") (local f32)) (func (export "deploy"))'))).toMatch(
      /floating-point type f32/,
    )
    expect(
      rejection(
        contract('(global $g (mut f64) (f64.const 0)) (func (export "call")) (func (export "deploy"))'),
      ),
    ).toMatch(/global 0 uses/)
    expect(
      rejection(
        contract(
          '(func (export "call") (drop (i32.trunc_sat_f32_s (f32.const 1)))) (func (export "deploy"))',
        ),
      ),
    ).toMatch(/f32.const|saturating/)
  })

  it('rejects SIMD', () => {
    expect(
      rejection(contract('(func (export "call") (drop (v128.const i64x2 0 0))) (func (export "deploy"))')),
    ).toMatch(/SIMD/)
  })

  it('rejects imports that are not host functions or have the wrong signature', () => {
    expect(rejection(contract(ENTRY, '(import "env" "abort" (func))'))).toMatch(
      /"env"\."abort" is not from the host module "mesh"/,
    )
    expect(rejection(contract(ENTRY, '(import "mesh" "random" (func (result i64)))'))).toMatch(
      /not a host function/,
    )
    expect(rejection(contract(ENTRY, '(import "mesh" "gas_left" (func (result i32)))'))).toMatch(
      /signature \(\) -> \(i32\), expected \(\) -> \(i64\)/,
    )
    expect(
      rejection(wat(`(module (import "mesh" "mem" (memory 1)) (export "memory" (memory 0)) ${ENTRY})`)),
    ).toMatch(/not a function/)
  })

  it('requires call, deploy and memory exports', () => {
    expect(rejection(contract('(func (export "deploy"))'))).toMatch(/required export "call"/)
    expect(rejection(contract('(func (export "call"))'))).toMatch(/required export "deploy"/)
    expect(rejection(wat(`(module (memory 1) ${ENTRY})`))).toMatch(/required export "memory"/)
    expect(rejection(contract('(func (export "call") (param i32)) (func (export "deploy"))'))).toMatch(
      /expected \(\) -> \(\)/,
    )
  })

  it('bounds memory and tables, and sets a missing maximum', () => {
    expect(rejection(wat(`(module (memory (export "memory") 200) ${ENTRY})`))).toMatch(
      /initial size of 200 pages exceeds the limit of 128/,
    )
    expect(rejection(wat(`(module (memory (export "memory") 1 65536) ${ENTRY})`))).toMatch(
      /maximum of 65536 pages exceeds/,
    )
    expect(rejection(wat(`(module (memory (export "memory") 1) (table 100000 funcref) ${ENTRY})`))).toMatch(
      /table size/,
    )
    const { code } = validateAndInstrument(wat(`(module (memory (export "memory") 1) ${ENTRY})`))
    expect(importedMemoryLimits(code)).toEqual({ initial: 1, maximum: MAX_MEMORY_PAGES })
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(code))
    expect(imports).toContainEqual({ module: 'mesh', name: 'memory', kind: 'memory' })
  })

  it('rejects reserved export names and start functions', () => {
    expect(
      rejection(contract(`${ENTRY} (global $g (mut i64) (i64.const 0)) (export "__mesh_gas" (global $g))`)),
    ).toMatch(/reserved prefix/)
    expect(rejection(contract(`${ENTRY} (func $s) (start $s)`))).toMatch(/start functions are not allowed/)
  })

  it('instruments deterministically', () => {
    const m = contract(
      '(func (export "call") (local i32) (loop (br_if 0 (local.get 0)))) (func (export "deploy"))',
    )
    expect(validateAndInstrument(m).code).toEqual(validateAndInstrument(m).code)
  })
})
