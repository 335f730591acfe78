import './webassembly.js'
import {
  type FuncType,
  SECTION_NAMES,
  type Section,
  TYPE_F32,
  TYPE_F64,
  TYPE_FUNCREF,
  TYPE_I32,
  TYPE_I64,
  TYPE_V128,
  VALUE_TYPE_NAMES,
} from './binary/format.js'
import { Reader, readLimits, readSections, skipConstExpr } from './binary/reader.js'
import { WasmValidationError } from './errors.js'
import {
  HOST_FUNCTIONS,
  HOST_MODULE,
  type HostSignature,
  MAX_MEMORY_PAGES,
  MAX_TABLE_SIZE,
  RESERVED_PREFIX,
} from './hostAbi.js'

/**
 * Module-level validation of contract modules (deploy time, deterministic: a pure function of the bytes):
 * - the module is well-formed (our reader plus V8's `WebAssembly.validate`);
 * - no floating point: no f32/f64 value types anywhere, no float instruction
 *   (arithmetic, constants, loads/stores, conversions, reinterprets,
 *   saturating truncations), no SIMD, no threads/atomics, no tail calls;
 * - imports are functions from module `mesh` with the signatures of `HOST_FUNCTIONS`;
 * - one memory, initial and maximum at most `MAX_MEMORY_PAGES` (a missing
 *   maximum is set to the limit), at most one table of `MAX_TABLE_SIZE`
 *   entries, no table mutation instructions, no start function;
 * - exports `call` and `deploy` (both `[] -> []`) and `memory`.
 *
 * Function bodies (instructions, locals) are checked by the instrumenter
 * (`instrument.ts`) in the same single pass that meters them.
 */

export type ModuleInfo = {
  types: FuncType[]
  imports: { module: string; name: string; typeIndex: number }[]
  functionTypes: number[]
  exports: Map<string, { kind: number; index: number }>
  globalCount: number
  memory: { initial: number; maximum: number | undefined; offset: number } | undefined
}

export function checkValueType(r: Reader, type: number, where: string, at: number): void {
  if (type === TYPE_I32 || type === TYPE_I64) return
  const name = VALUE_TYPE_NAMES[type]
  if (type === TYPE_F32 || type === TYPE_F64) r.fail(`${where} uses floating-point type ${name}`, at)
  if (type === TYPE_V128) r.fail(`${where} uses SIMD type v128`, at)
  r.fail(`${where} uses unsupported value type ${name ?? `0x${type.toString(16)}`}`, at)
}

function sameSignature(a: FuncType, b: HostSignature): boolean {
  return (
    a.params.length === b.params.length &&
    a.results.length === b.results.length &&
    a.params.every((t, i) => t === b.params[i]) &&
    a.results.every((t, i) => t === b.results[i])
  )
}

function signatureText(t: { params: readonly number[]; results: readonly number[] }): string {
  const list = (ts: readonly number[]) => ts.map((x) => VALUE_TYPE_NAMES[x] ?? '?').join(', ')
  return `(${list(t.params)}) -> (${list(t.results)})`
}

/** Parses the module-level sections (not function bodies) and checks them. */
export function parseModule(bytes: Uint8Array, sections: Section[]): ModuleInfo {
  const info: ModuleInfo = {
    types: [],
    imports: [],
    functionTypes: [],
    exports: new Map(),
    globalCount: 0,
    memory: undefined,
  }
  let tables = 0
  for (const s of sections) {
    const r: Reader = new Reader(bytes, s.contentStart, s.end)
    switch (s.id) {
      case 1: {
        const n = r.u32()
        for (let i = 0; i < n; i++) {
          const at = r.pos
          if (r.byte() !== 0x60) r.fail(`type ${i} is not a function type`, at)
          const params: number[] = []
          const results: number[] = []
          for (let p = r.u32(); p > 0; p--) {
            const tat = r.pos
            const t = r.byte()
            checkValueType(r, t, `type ${i}`, tat)
            params.push(t)
          }
          for (let p = r.u32(); p > 0; p--) {
            const tat = r.pos
            const t = r.byte()
            checkValueType(r, t, `type ${i}`, tat)
            results.push(t)
          }
          if (results.length > 1)
            r.fail(`type ${i} has ${results.length} results (multi-value is not supported)`, at)
          info.types.push({ params, results })
        }
        break
      }
      case 2: {
        const n = r.u32()
        for (let i = 0; i < n; i++) {
          const at = r.pos
          const module = r.name()
          const name = r.name()
          const kind = r.byte()
          const what = `import "${module}"."${name}"`
          if (module !== HOST_MODULE) {
            r.fail(`${what} is not from the host module "${HOST_MODULE}" (unknown import)`, at)
          }
          if (kind !== 0) r.fail(`${what} is not a function (only host functions may be imported)`, at)
          const typeIndex = r.u32()
          const expected = (HOST_FUNCTIONS as Record<string, HostSignature>)[name]
          if (!expected || name.startsWith(RESERVED_PREFIX))
            r.fail(`${what} is not a host function (unknown import)`, at)
          const type = info.types[typeIndex]
          if (!type) r.fail(`${what} names missing type ${typeIndex}`, at)
          if (!sameSignature(type, expected)) {
            r.fail(`${what} has signature ${signatureText(type)}, expected ${signatureText(expected)}`, at)
          }
          info.imports.push({ module, name, typeIndex })
        }
        break
      }
      case 3: {
        for (let n = r.u32(); n > 0; n--) {
          const at = r.pos
          const t = r.u32()
          if (!info.types[t]) r.fail(`function names missing type ${t}`, at)
          info.functionTypes.push(t)
        }
        break
      }
      case 4: {
        const n = r.u32()
        tables += n
        if (tables > 1) r.fail('more than one table')
        for (let i = 0; i < n; i++) {
          const at = r.pos
          const elem = r.byte()
          if (elem !== TYPE_FUNCREF) r.fail('table element type must be funcref', at)
          const { initial, maximum } = readLimits(r)
          if (initial > MAX_TABLE_SIZE || (maximum ?? 0) > MAX_TABLE_SIZE) {
            r.fail(`table size ${maximum ?? initial} exceeds the limit of ${MAX_TABLE_SIZE} entries`, at)
          }
        }
        break
      }
      case 5: {
        const n = r.u32()
        if (n > 1) r.fail('more than one memory')
        if (n === 1) {
          const offset = r.pos
          const { initial, maximum } = readLimits(r)
          if (initial > MAX_MEMORY_PAGES) {
            r.fail(
              `memory initial size of ${initial} pages exceeds the limit of ${MAX_MEMORY_PAGES} pages`,
              offset,
            )
          }
          if (maximum !== undefined && maximum > MAX_MEMORY_PAGES) {
            r.fail(
              `memory maximum of ${maximum} pages exceeds the limit of ${MAX_MEMORY_PAGES} pages`,
              offset,
            )
          }
          info.memory = { initial, maximum, offset }
        }
        break
      }
      case 6: {
        const n = r.u32()
        for (let i = 0; i < n; i++) {
          const at = r.pos
          checkValueType(r, r.byte(), `global ${i}`, at)
          r.byte()
          skipConstExpr(r, `global ${i}`)
        }
        info.globalCount = n
        break
      }
      case 7: {
        for (let n = r.u32(); n > 0; n--) {
          const at = r.pos
          const name = r.name()
          const kind = r.byte()
          const index = r.u32()
          if (name.startsWith(RESERVED_PREFIX))
            r.fail(`export "${name}" uses the reserved prefix ${RESERVED_PREFIX}`, at)
          info.exports.set(name, { kind, index })
        }
        break
      }
      case 8:
        r.fail('start functions are not allowed (compile with --exportStart _initialize)', s.start)
        break
      case 9: {
        for (let n = r.u32(); n > 0; n--) {
          const at = r.pos
          const flags = r.u32()
          if (flags !== 0)
            r.fail(`element segment kind ${flags} is not supported (only active funcref segments)`, at)
          skipConstExpr(r, 'element segment offset')
          for (let k = r.u32(); k > 0; k--) r.u32()
        }
        break
      }
      case 11: {
        for (let n = r.u32(); n > 0; n--) {
          const at = r.pos
          const flags = r.u32()
          if (flags === 0) skipConstExpr(r, 'data segment offset')
          else if (flags !== 1) r.fail(`data segment kind ${flags} is not supported`, at)
          r.skip(r.u32())
        }
        break
      }
      default:
        r.pos = s.end
    }
    if (s.id !== 0 && s.id !== 10 && r.pos !== s.end)
      r.fail(`${SECTION_NAMES[s.id]} section has trailing bytes`)
  }
  const totalFunctions = info.imports.length + info.functionTypes.length
  const requireFunc = (name: string) => {
    const e = info.exports.get(name)
    if (e?.kind !== 0) throw new WasmValidationError(`required export "${name}" (a function) is missing`)
    const typeIndex =
      e.index < info.imports.length
        ? info.imports[e.index]!.typeIndex
        : info.functionTypes[e.index - info.imports.length]
    if (e.index >= totalFunctions || typeIndex === undefined) {
      throw new WasmValidationError(`export "${name}" names missing function ${e.index}`)
    }
    const t = info.types[typeIndex]!
    if (t.params.length !== 0 || t.results.length !== 0) {
      throw new WasmValidationError(`export "${name}" has signature ${signatureText(t)}, expected () -> ()`)
    }
  }
  requireFunc('call')
  requireFunc('deploy')
  const memory = info.exports.get('memory')
  if (memory?.kind !== 2 || !info.memory) {
    throw new WasmValidationError('required export "memory" is missing', {
      hint: 'the host reads and writes arguments through the exported memory',
    })
  }
  return info
}

/**
 * Reads and checks a module's sections, then has V8 validate the whole module.
 * Returns the sections and what the module declares. Throws `WasmValidationError`.
 */
export function validateModule(module: Uint8Array): { sections: Section[]; info: ModuleInfo } {
  const sections = readSections(module)
  const info = parseModule(module, sections)
  if (!WebAssembly.validate(module)) {
    let reason = 'module failed WebAssembly validation'
    try {
      new WebAssembly.Module(module)
    } catch (error) {
      reason = `module failed WebAssembly validation: ${(error as Error).message.replace(/^WebAssembly\.Module\(\): /, '')}`
    }
    throw new WasmValidationError(reason)
  }
  return { sections, info }
}
