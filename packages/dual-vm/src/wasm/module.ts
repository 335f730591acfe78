import './webassembly.js'
import { WasmValidationError } from './errors.js'
import {
  GAS_BASE,
  GAS_BR_TABLE,
  GAS_BULK_MEMORY,
  GAS_CALL,
  GAS_CALL_INDIRECT,
  GAS_COPY_WORD,
  GAS_DIV,
  GAS_MEMORY_ACCESS,
  GAS_MEMORY_GROW,
  GAS_MEMORY_PAGE,
  GAS_MUL,
} from './gas.js'
import {
  GAS_GLOBAL_EXPORT,
  HOST_FUNCTIONS,
  HOST_MODULE,
  type HostSignature,
  MAX_FUNCTION_LOCALS,
  MAX_MEMORY_PAGES,
  MAX_STACK_SLOTS,
  MAX_TABLE_SIZE,
  RESERVED_PREFIX,
  RESET_EXPORT,
  STACK_GLOBAL_EXPORT,
} from './hostAbi.js'

/**
 * A strict reader, validator and gas instrumenter for contract modules.
 *
 * Validation (deploy time, deterministic: a pure function of the bytes):
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
 * Instrumentation turns the module's memory into an import `mesh.memory` with
 * the same limits (so the engine can pool and reuse zeroed memories: 75 → 14 µs
 * per instantiation), and appends two mutable globals, exported as `__mesh_gas` (i64,
 * gas left) and `__mesh_stack` (i32, stack budget used). Every basic block
 * (function entry and after block/loop/if/else/end/br/br_if/br_table/return/
 * call/call_indirect) starts with
 * `global.get $gas; i64.const cost; i64.sub; global.set $gas; global.get $gas;
 * i64.const 0; i64.lt_s; if unreachable end`, where cost is the sum of the
 * block's instruction costs (gas.ts). memory.grow/copy/fill/init additionally
 * charge for their dynamic size just before they run. Each function body is
 * wrapped in a block so that its exits (`return` becomes a branch to it) pass
 * an epilogue that gives its stack budget back. Contract code cannot name the
 * new globals (their indices did not exist when the module was validated), so
 * metering cannot be bypassed.
 */

const TYPE_I32 = 0x7f
const TYPE_I64 = 0x7e
const TYPE_F32 = 0x7d
const TYPE_F64 = 0x7c
const TYPE_V128 = 0x7b
const TYPE_FUNCREF = 0x70
const TYPE_EXTERNREF = 0x6f

const VALUE_TYPE_NAMES: Record<number, string> = {
  [TYPE_I32]: 'i32',
  [TYPE_I64]: 'i64',
  [TYPE_F32]: 'f32',
  [TYPE_F64]: 'f64',
  [TYPE_V128]: 'v128',
  [TYPE_FUNCREF]: 'funcref',
  [TYPE_EXTERNREF]: 'externref',
}

const SECTION_NAMES = [
  'custom',
  'type',
  'import',
  'function',
  'table',
  'memory',
  'global',
  'export',
  'start',
  'element',
  'code',
  'data',
  'datacount',
]
/** The order non-custom sections must appear in (datacount sits between element and code). */
const SECTION_ORDER: Record<number, number> = {
  1: 1,
  2: 2,
  3: 3,
  4: 4,
  5: 5,
  6: 6,
  7: 7,
  8: 8,
  9: 9,
  12: 10,
  10: 11,
  11: 12,
}

/** Custom section that ends a deployment envelope's module (see envelope.ts). */
export const ENVELOPE_SECTION = 'rollup-mesh:args'

class Reader {
  pos: number
  constructor(
    readonly bytes: Uint8Array,
    pos = 0,
    readonly end = bytes.length,
  ) {
    this.pos = pos
  }

  fail(problem: string, at = this.pos): never {
    throw new WasmValidationError(problem, { offset: at })
  }

  byte(): number {
    if (this.pos >= this.end) this.fail('unexpected end of data')
    return this.bytes[this.pos++]!
  }

  u32(): number {
    let result = 0
    let shift = 0
    for (let i = 0; i < 5; i++) {
      const b = this.byte()
      if (i === 4 && b > 0x0f) this.fail('LEB128 u32 out of range', this.pos - 1)
      result |= (b & 0x7f) << shift
      if ((b & 0x80) === 0) return result >>> 0
      shift += 7
    }
    this.fail('LEB128 u32 too long')
  }

  /** Skips a signed LEB128 of at most `maxBytes` bytes. */
  skipLeb(maxBytes: number): void {
    for (let i = 0; i < maxBytes; i++) if ((this.byte() & 0x80) === 0) return
    this.fail('LEB128 integer too long')
  }

  skip(n: number): void {
    if (this.pos + n > this.end) this.fail('unexpected end of data')
    this.pos += n
  }

  name(): string {
    const len = this.u32()
    const start = this.pos
    this.skip(len)
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(start, start + len))
    } catch {
      this.fail('name is not valid UTF-8', start)
    }
  }
}

class Writer {
  private chunks: number[] = []
  byte(b: number): this {
    this.chunks.push(b)
    return this
  }
  bytes(bs: ArrayLike<number>): this {
    for (let i = 0; i < bs.length; i++) this.chunks.push(bs[i]!)
    return this
  }
  u32(v: number): this {
    do {
      let b = v & 0x7f
      v >>>= 7
      if (v !== 0) b |= 0x80
      this.chunks.push(b)
    } while (v !== 0)
    return this
  }
  s64(v: bigint): this {
    for (;;) {
      const b = Number(v & 0x7fn)
      v >>= 7n
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
        this.chunks.push(b)
        return this
      }
      this.chunks.push(b | 0x80)
    }
  }
  s32(v: number): this {
    return this.s64(BigInt(v))
  }
  get length(): number {
    return this.chunks.length
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.chunks)
  }
}

type FuncType = { params: number[]; results: number[] }
type Section = { id: number; start: number; contentStart: number; end: number }

export type ModuleInfo = {
  types: FuncType[]
  imports: { module: string; name: string; typeIndex: number }[]
  functionTypes: number[]
  exports: Map<string, { kind: number; index: number }>
  globalCount: number
  memory: { initial: number; maximum: number | undefined; offset: number } | undefined
}

const FLOAT_RANGES: [number, number, string][] = [
  [0x2a, 0x2b, 'float load'],
  [0x38, 0x39, 'float store'],
  [0x43, 0x44, 'float constant'],
  [0x5b, 0x66, 'float comparison'],
  [0x8b, 0xa6, 'float arithmetic'],
  [0xa8, 0xab, 'float-to-int truncation'],
  [0xae, 0xbf, 'float conversion'],
]

const FLOAT_OPCODE_NAMES: Record<number, string> = {
  42: 'f32.load',
  43: 'f64.load',
  56: 'f32.store',
  57: 'f64.store',
  67: 'f32.const',
  68: 'f64.const',
  91: 'f32.eq',
  92: 'f32.ne',
  93: 'f32.lt',
  94: 'f32.gt',
  95: 'f32.le',
  96: 'f32.ge',
  97: 'f64.eq',
  98: 'f64.ne',
  99: 'f64.lt',
  100: 'f64.gt',
  101: 'f64.le',
  102: 'f64.ge',
  139: 'f32.abs',
  140: 'f32.neg',
  141: 'f32.ceil',
  142: 'f32.floor',
  143: 'f32.trunc',
  144: 'f32.nearest',
  145: 'f32.sqrt',
  146: 'f32.add',
  147: 'f32.sub',
  148: 'f32.mul',
  149: 'f32.div',
  150: 'f32.min',
  151: 'f32.max',
  152: 'f32.copysign',
  153: 'f64.abs',
  154: 'f64.neg',
  155: 'f64.ceil',
  156: 'f64.floor',
  157: 'f64.trunc',
  158: 'f64.nearest',
  159: 'f64.sqrt',
  160: 'f64.add',
  161: 'f64.sub',
  162: 'f64.mul',
  163: 'f64.div',
  164: 'f64.min',
  165: 'f64.max',
  166: 'f64.copysign',
  168: 'i32.trunc_f32_s',
  169: 'i32.trunc_f32_u',
  170: 'i32.trunc_f64_s',
  171: 'i32.trunc_f64_u',
  174: 'i64.trunc_f32_s',
  175: 'i64.trunc_f32_u',
  176: 'i64.trunc_f64_s',
  177: 'i64.trunc_f64_u',
  178: 'f32.convert_i32_s',
  179: 'f32.convert_i32_u',
  180: 'f32.convert_i64_s',
  181: 'f32.convert_i64_u',
  182: 'f32.demote_f64',
  183: 'f64.convert_i32_s',
  184: 'f64.convert_i32_u',
  185: 'f64.convert_i64_s',
  186: 'f64.convert_i64_u',
  187: 'f64.promote_f32',
  188: 'i32.reinterpret_f32',
  189: 'i64.reinterpret_f64',
  190: 'f32.reinterpret_i32',
  191: 'f64.reinterpret_i64',
}

function floatOpName(op: number): string | undefined {
  for (const [lo, hi, what] of FLOAT_RANGES) {
    if (op >= lo && op <= hi) return FLOAT_OPCODE_NAMES[op] ?? `${what} (opcode 0x${op.toString(16)})`
  }
  return undefined
}

function opCost(op: number): bigint {
  if (op >= 0x28 && op <= 0x3e) return GAS_MEMORY_ACCESS
  if (op === 0x6c || op === 0x7e) return GAS_MUL
  if ((op >= 0x6d && op <= 0x70) || (op >= 0x7f && op <= 0x82)) return GAS_DIV
  if (op === 0x10) return GAS_CALL
  if (op === 0x11) return GAS_CALL_INDIRECT
  if (op === 0x0e) return GAS_BR_TABLE
  return GAS_BASE
}

/** Control instructions after which a new metered block starts. */
const BLOCK_BOUNDARY = new Set([0x02, 0x03, 0x04, 0x05, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11])

function checkValueType(r: Reader, type: number, where: string, at: number): void {
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

/** Reads a constant expression (global init, segment offset) and returns its end. */
function skipConstExpr(r: Reader, where: string): void {
  for (;;) {
    const at = r.pos
    const op = r.byte()
    if (op === 0x0b) return
    if (op === 0x41) r.skipLeb(5)
    else if (op === 0x42) r.skipLeb(10)
    else if (op === 0x23 || op === 0xd2) r.u32()
    else if (op === 0xd0) r.byte()
    else if (op === 0x43 || op === 0x44) r.fail(`${where} uses ${floatOpName(op)}`, at)
    else r.fail(`${where} has unsupported constant instruction 0x${op.toString(16)}`, at)
  }
}

function readLimits(r: Reader): { initial: number; maximum: number | undefined } {
  const at = r.pos
  const flags = r.byte()
  if (flags > 1) r.fail(`unsupported limits flags 0x${flags.toString(16)} (shared or 64-bit memory)`, at)
  const initial = r.u32()
  const maximum = flags === 1 ? r.u32() : undefined
  return { initial, maximum }
}

function readSections(bytes: Uint8Array): Section[] {
  if (bytes.length < 8)
    throw new WasmValidationError('module is shorter than its 8-byte header', { offset: 0 })
  const magic = [0x00, 0x61, 0x73, 0x6d]
  if (!magic.every((b, i) => bytes[i] === b))
    throw new WasmValidationError('missing \\0asm magic', { offset: 0 })
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new WasmValidationError('unsupported WASM version (expected 1)', { offset: 4 })
  }
  const r: Reader = new Reader(bytes, 8)
  const sections: Section[] = []
  let lastOrder = 0
  while (r.pos < r.end) {
    const start = r.pos
    const id = r.byte()
    if (id > 12) r.fail(`unknown section id ${id}`, start)
    const size = r.u32()
    const contentStart = r.pos
    r.skip(size)
    if (id !== 0) {
      const order = SECTION_ORDER[id]!
      if (order <= lastOrder) r.fail(`${SECTION_NAMES[id]} section out of order or repeated`, start)
      lastOrder = order
    }
    sections.push({ id, start, contentStart, end: r.pos })
  }
  return sections
}

/** Parses the module-level sections (not function bodies) and checks them. */
function parseModule(bytes: Uint8Array, sections: Section[]): ModuleInfo {
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

type BodyResult = { body: Uint8Array }

/** Validates one function body and returns it instrumented. */
function instrumentBody(
  bytes: Uint8Array,
  start: number,
  end: number,
  funcIndex: number,
  type: FuncType,
  gasGlobal: number,
  stackGlobal: number,
): BodyResult {
  const r: Reader = new Reader(bytes, start, end)
  const where = `function ${funcIndex}`
  // locals
  const localGroups: [number, number][] = []
  let localCount = type.params.length
  for (let n = r.u32(); n > 0; n--) {
    const count = r.u32()
    const at = r.pos
    const t = r.byte()
    checkValueType(r, t, `${where} local`, at)
    localCount += count
    if (localCount > MAX_FUNCTION_LOCALS)
      r.fail(`${where} declares more than ${MAX_FUNCTION_LOCALS} locals`, at)
    localGroups.push([count, t])
  }
  const scratch = localCount // one extra i32 local for dynamic charges
  // Decode once: collect instruction boundaries, segment costs, and special ops.
  type Op = { op: number; start: number; end: number; sub?: number }
  const ops: Op[] = []
  let depth = 0 // open blocks inside the body
  while (r.pos < r.end) {
    const at = r.pos
    const op = r.byte()
    const fname = floatOpName(op)
    if (fname) r.fail(`${where} uses ${fname}`, at)
    let sub: number | undefined
    switch (op) {
      case 0x02:
      case 0x03:
      case 0x04: {
        const bt = r.bytes[r.pos]
        if (bt === 0x40 || bt === TYPE_I32 || bt === TYPE_I64) r.pos++
        else if (bt === TYPE_F32 || bt === TYPE_F64)
          r.fail(`${where} has a block of floating-point type`, r.pos)
        else r.fail(`${where} has an unsupported block type`, r.pos)
        depth++
        break
      }
      case 0x0b:
        depth--
        break
      case 0x0c:
      case 0x0d:
        r.u32()
        break
      case 0x0e:
        for (let n = r.u32(); n > 0; n--) r.u32()
        r.u32()
        break
      case 0x10:
        r.u32()
        break
      case 0x11:
        r.u32()
        r.u32()
        break
      case 0x12:
      case 0x13:
        r.fail(`${where} uses a tail call (not supported)`, at)
        break
      case 0x1c: {
        const n = r.u32()
        for (let i = 0; i < n; i++) checkValueType(r, r.byte(), `${where} select`, at)
        break
      }
      case 0x20:
      case 0x21:
      case 0x22:
      case 0x23:
      case 0x24:
        r.u32()
        break
      case 0x25:
      case 0x26:
        r.fail(`${where} uses table.get/table.set (not supported)`, at)
        break
      case 0x3f:
      case 0x40:
        if (r.byte() !== 0) r.fail(`${where} names a memory other than 0`, at)
        break
      case 0x41:
        r.skipLeb(5)
        break
      case 0x42:
        r.skipLeb(10)
        break
      case 0xd0:
      case 0xd1:
      case 0xd2:
        r.fail(`${where} uses reference instructions (not supported)`, at)
        break
      case 0xfc: {
        sub = r.u32()
        if (sub <= 7) r.fail(`${where} uses a saturating float-to-int truncation (0xfc ${sub})`, at)
        if (sub === 8) {
          r.u32()
          r.byte()
        } else if (sub === 9) r.u32()
        else if (sub === 10) {
          r.byte()
          r.byte()
        } else if (sub === 11) r.byte()
        else r.fail(`${where} uses table instruction 0xfc ${sub} (not supported)`, at)
        break
      }
      case 0xfd:
        r.fail(`${where} uses a SIMD instruction`, at)
        break
      case 0xfe:
        r.fail(`${where} uses an atomic instruction (threads are not supported)`, at)
        break
      default:
        if (op >= 0x28 && op <= 0x3e) {
          r.u32()
          r.u32()
        } else if (
          !(
            op <= 0x01 ||
            op === 0x05 ||
            op === 0x0f ||
            op === 0x1a ||
            op === 0x1b ||
            (op >= 0x45 && op <= 0xc4)
          )
        ) {
          r.fail(`${where} uses unknown opcode 0x${op.toString(16)}`, at)
        }
    }
    ops.push(sub === undefined ? { op, start: at, end: r.pos } : { op, start: at, end: r.pos, sub })
    if (depth < 0) break
  }
  if (depth !== -1 || r.pos !== r.end) r.fail(`${where} body is not properly terminated`, r.pos)

  const weight = 4 + localCount + ops.length
  const w = new Writer()
  // locals: original groups plus the scratch i32
  w.u32(localGroups.length + 1)
  for (const [count, t] of localGroups) w.u32(count).byte(t)
  w.u32(1).byte(TYPE_I32)
  const trapIfNegative = () => {
    w.byte(0x23).u32(gasGlobal).byte(0x42).byte(0x00).byte(0x53) // global.get; i64.const 0; i64.lt_s
    w.byte(0x04).byte(0x40).byte(0x00).byte(0x0b) // if unreachable end
  }
  const charge = (cost: bigint) => {
    if (cost === 0n) return
    w.byte(0x23).u32(gasGlobal).byte(0x42).s64(cost).byte(0x7d).byte(0x24).u32(gasGlobal) // gas -= cost
    trapIfNegative()
  }
  /** Charges `base + f(n)` where n is the i32 on top of the stack (left in place). */
  const chargeDynamic = (base: bigint, perUnit: bigint, shift: number) => {
    w.byte(0x22).u32(scratch) // local.tee $scratch
    w.byte(0x23).u32(gasGlobal) // gas
    w.byte(0x20).u32(scratch).byte(0xad) // i64.extend_i32_u n
    if (shift > 0) w.byte(0x42).s64(BigInt(shift)).byte(0x88) // i64.shr_u
    w.byte(0x42).s64(perUnit).byte(0x7e) // i64.mul
    w.byte(0x42).s64(base).byte(0x7c) // i64.add
    w.byte(0x7d).byte(0x24).u32(gasGlobal) // i64.sub; global.set
    trapIfNegative()
  }
  // prologue: stack budget
  w.byte(0x23).u32(stackGlobal).byte(0x41).s32(weight).byte(0x6a).byte(0x24).u32(stackGlobal) // global.get; i32.const w; i32.add; global.set
  w.byte(0x23).u32(stackGlobal).byte(0x41).s32(MAX_STACK_SLOTS).byte(0x4b) // global.get; i32.const max; i32.gt_u
  w.byte(0x04).byte(0x40).byte(0x00).byte(0x0b)
  // wrapper block with the function's result type
  w.byte(0x02).byte(type.results.length === 0 ? 0x40 : type.results[0]!)
  // segments
  let segmentCost = 0n
  let segmentStart = 0
  const segmentCosts: bigint[] = []
  const segmentStarts: number[] = []
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!
    segmentCost += opCost(o.op)
    if (BLOCK_BOUNDARY.has(o.op) || i === ops.length - 1) {
      segmentStarts.push(segmentStart)
      segmentCosts.push(segmentCost)
      segmentCost = 0n
      segmentStart = i + 1
    }
  }
  let nextSegment = 0
  let open = 0
  for (let i = 0; i < ops.length; i++) {
    if (nextSegment < segmentStarts.length && segmentStarts[nextSegment] === i) {
      charge(segmentCosts[nextSegment]!)
      nextSegment++
    }
    const o = ops[i]!
    if (o.op === 0x40) chargeDynamic(GAS_MEMORY_GROW, GAS_MEMORY_PAGE, 0)
    else if (o.op === 0xfc && (o.sub === 8 || o.sub === 10 || o.sub === 11)) {
      chargeDynamic(GAS_BULK_MEMORY, GAS_COPY_WORD, 5)
    }
    if (o.op === 0x0f) {
      w.byte(0x0c).u32(open) // return -> br to the wrapper block
      continue
    }
    if (i === ops.length - 1) break // the function's own `end`, written below
    if (o.op === 0x02 || o.op === 0x03 || o.op === 0x04) open++
    else if (o.op === 0x0b) open--
    w.bytes(bytes.subarray(o.start, o.end))
  }
  w.byte(0x0b) // end of wrapper block
  // epilogue: give the stack budget back
  w.byte(0x23).u32(stackGlobal).byte(0x41).s32(weight).byte(0x6b).byte(0x24).u32(stackGlobal)
  w.byte(0x0b)
  return { body: w.finish() }
}

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

/**
 * The module the engine compiles for stored, instrumented `code` so that one
 * instance can serve many calls: `code` plus an exported function
 * `__mesh_reset` (`RESET_EXPORT`) that sets every mutable global (the
 * contract's own, the gas counter and the stack budget) back to the value its
 * initializer gives it. The function, its type and its export are appended
 * after everything else, so no existing index moves and the contract's code
 * behaves exactly as before; contract code cannot call it (it has no index
 * when the contract was validated, and its name has the reserved prefix). The
 * stored code and its hash do not change: this is engine-side only, and works
 * for code deployed before it existed.
 *
 * Returns undefined when an instance's state cannot be fully put back this
 * way, and the engine then instantiates per call: passive data segments
 * (`memory.init`/`data.drop` change what a later call would see), imported
 * mutable globals, or a module shape the instrumenter never emits. Tables need
 * nothing: the validator admits no instruction that changes a table or drops
 * an element segment, and the host never touches one. Memory is the engine's
 * to restore (a snapshot taken right after instantiation).
 */
export function reusableModule(code: Uint8Array): Uint8Array | undefined {
  try {
    return addResetFunction(code)
  } catch {
    return undefined
  }
}

function addResetFunction(code: Uint8Array): Uint8Array | undefined {
  const sections = readSections(code)
  const find = (id: number) => sections.find((s) => s.id === id)
  const typeSection = find(1)
  const functionSection = find(3)
  const exportSection = find(7)
  const codeSection = find(10)
  if (!typeSection || !functionSection || !exportSection || !codeSection) return undefined
  let importedFunctions = 0
  let globalIndex = 0
  const mutableGlobals: { index: number; init: Uint8Array }[] = []
  for (const s of sections) {
    const r: Reader = new Reader(code, s.contentStart, s.end)
    if (s.id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        r.name()
        r.name()
        const kind = r.byte()
        if (kind === 0) {
          r.u32()
          importedFunctions++
        } else if (kind === 2) readLimits(r)
        else if (kind === 3) {
          r.byte()
          if (r.byte() !== 0) return undefined // an imported mutable global is not ours to reset
          globalIndex++
        } else return undefined
      }
    } else if (s.id === 6) {
      for (let n = r.u32(); n > 0; n--) {
        r.byte()
        const mutable = r.byte() === 1
        const start = r.pos
        skipConstExpr(r, `global ${globalIndex}`)
        if (mutable) mutableGlobals.push({ index: globalIndex, init: code.subarray(start, r.pos - 1) })
        globalIndex++
      }
    } else if (s.id === 11) {
      for (let n = r.u32(); n > 0; n--) {
        if (r.u32() !== 0) return undefined // passive (or explicit-memory) segment
        skipConstExpr(r, 'data segment offset')
        r.skip(r.u32())
      }
    }
  }
  /** A section's entry count, and the entries after it. */
  const entries = (s: Section) => {
    const r: Reader = new Reader(code, s.contentStart, s.end)
    const count = r.u32()
    return { count, rest: code.subarray(r.pos, s.end) }
  }
  const types = entries(typeSection)
  const functions = entries(functionSection)
  const resetIndex = importedFunctions + functions.count
  const body = new Writer().u32(0) // no locals
  for (const g of mutableGlobals) body.bytes(g.init).byte(0x24).u32(g.index) // <init>; global.set
  body.byte(0x0b)
  const resetBody = body.finish()
  const name = new TextEncoder().encode(RESET_EXPORT)
  const out = new Writer().bytes(code.subarray(0, 8))
  for (const s of sections) {
    let content: Writer | undefined
    if (s === typeSection)
      content = new Writer()
        .u32(types.count + 1)
        .bytes(types.rest)
        .bytes([0x60, 0, 0])
    else if (s === functionSection)
      content = new Writer()
        .u32(functions.count + 1)
        .bytes(functions.rest)
        .u32(types.count)
    else if (s === exportSection) {
      const e = entries(s)
      content = new Writer()
        .u32(e.count + 1)
        .bytes(e.rest)
        .u32(name.length)
        .bytes(name)
        .byte(0)
        .u32(resetIndex)
    } else if (s === codeSection) {
      const c = entries(s)
      if (c.count !== functions.count) return undefined
      content = new Writer()
        .u32(c.count + 1)
        .bytes(c.rest)
        .u32(resetBody.length)
        .bytes(resetBody)
    }
    if (content) {
      const bytes = content.finish()
      out.byte(s.id).u32(bytes.length).bytes(bytes)
    } else out.bytes(code.subarray(s.start, s.end))
  }
  return out.finish()
}

export type InstrumentedModule = {
  /** The instrumented module (what a WASM account's code holds). */
  code: Uint8Array
  info: ModuleInfo
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

/** Validates a contract module and returns it instrumented for gas metering. Throws `WasmValidationError`. */
export function validateAndInstrument(module: Uint8Array): InstrumentedModule {
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
  const gasGlobal = info.globalCount
  const stackGlobal = info.globalCount + 1
  const out = new Writer()
  out.bytes(module.subarray(0, 8))
  const emit = (id: number, content: Uint8Array) => out.byte(id).u32(content.length).bytes(content)
  const globals = () => {
    const existing = sections.find((s) => s.id === 6)
    const w = new Writer()
    w.u32(info.globalCount + 2)
    if (existing) {
      const r: Reader = new Reader(module, existing.contentStart, existing.end)
      r.u32()
      w.bytes(module.subarray(r.pos, existing.end))
    }
    w.byte(TYPE_I64).byte(1).byte(0x42).byte(0).byte(0x0b)
    w.byte(TYPE_I32).byte(1).byte(0x41).byte(0).byte(0x0b)
    return w.finish()
  }
  const exportsSection = () => {
    const existing = sections.find((s) => s.id === 7)!
    const r: Reader = new Reader(module, existing.contentStart, existing.end)
    const w = new Writer()
    w.u32(r.u32() + 2)
    w.bytes(module.subarray(r.pos, existing.end))
    const name = (s: string) => w.u32(s.length).bytes(new TextEncoder().encode(s))
    name(GAS_GLOBAL_EXPORT).byte(3).u32(gasGlobal)
    name(STACK_GLOBAL_EXPORT).byte(3).u32(stackGlobal)
    return w.finish()
  }
  let wroteGlobals = false
  const memoryLimits = { initial: info.memory!.initial, maximum: info.memory!.maximum ?? MAX_MEMORY_PAGES }
  /** The original imports plus the memory, imported from the host so the engine can pool and reuse it. */
  const importsSection = () => {
    const existing = sections.find((s) => s.id === 2)
    const w = new Writer()
    w.u32(info.imports.length + 1)
    if (existing) {
      const r = new Reader(module, existing.contentStart, existing.end)
      r.u32()
      w.bytes(module.subarray(r.pos, existing.end))
    }
    const name = (s: string) => w.u32(s.length).bytes(new TextEncoder().encode(s))
    name(HOST_MODULE)
    name(MEMORY_IMPORT)
    w.byte(2).byte(1).u32(memoryLimits.initial).u32(memoryLimits.maximum)
    return w.finish()
  }
  let wroteImports = false
  for (const s of sections) {
    if (s.id === 0) continue // custom sections (names, source maps) are dropped
    if (s.id === 2) wroteImports = true
    if (!wroteImports && SECTION_ORDER[s.id]! > SECTION_ORDER[2]!) {
      emit(2, importsSection())
      wroteImports = true
    }
    if (!wroteGlobals && SECTION_ORDER[s.id]! > SECTION_ORDER[6]!) {
      emit(6, globals())
      wroteGlobals = true
    }
    if (s.id === 6) {
      emit(6, globals())
      wroteGlobals = true
    } else if (s.id === 5) {
      // the memory became the host-provided import `mesh.memory` (see importsSection)
    } else if (s.id === 2) emit(2, importsSection())
    else if (s.id === 7) emit(7, exportsSection())
    else if (s.id === 10) {
      const r: Reader = new Reader(module, s.contentStart, s.end)
      const count = r.u32()
      if (count !== info.functionTypes.length)
        r.fail('code section count does not match the function section')
      const w = new Writer().u32(count)
      for (let i = 0; i < count; i++) {
        const size = r.u32()
        const start = r.pos
        r.skip(size)
        const funcIndex = info.imports.length + i
        const type = info.types[info.functionTypes[i]!]!
        const { body } = instrumentBody(module, start, start + size, funcIndex, type, gasGlobal, stackGlobal)
        w.u32(body.length).bytes(body)
      }
      emit(10, w.finish())
    } else out.bytes(module.subarray(s.start, s.end))
  }
  if (!wroteGlobals) emit(6, globals())
  const code = out.finish()
  memoryLimitsCache.set(code, memoryLimits)
  if (!WebAssembly.validate(code)) {
    throw new WasmValidationError('instrumented module failed validation (please report this module)')
  }
  return { code, info }
}
