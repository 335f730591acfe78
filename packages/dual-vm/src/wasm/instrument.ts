import { floatOpName } from './binary/floatOpcodes.js'
import { type FuncType, SECTION_ORDER, TYPE_F32, TYPE_F64, TYPE_I32, TYPE_I64 } from './binary/format.js'
import { Reader } from './binary/reader.js'
import { Writer } from './binary/writer.js'
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
  HOST_MODULE,
  MAX_FUNCTION_LOCALS,
  MAX_MEMORY_PAGES,
  MAX_STACK_SLOTS,
  STACK_GLOBAL_EXPORT,
} from './hostAbi.js'
import { MEMORY_IMPORT, rememberImportedMemoryLimits } from './memoryImport.js'
import { checkValueType, type ModuleInfo, validateModule } from './validate.js'

/**
 * Gas metering instrumentation of validated contract modules (deploy time).
 *
 * Function bodies are validated here, not in `validate.ts`: one decoding pass
 * both checks every instruction (no floats, SIMD, atomics, tail calls,
 * reference or table instructions) and collects the basic blocks it meters.
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

export type InstrumentedModule = {
  /** The instrumented module (what a WASM account's code holds). */
  code: Uint8Array
  info: ModuleInfo
}

/** Validates a contract module and returns it instrumented for gas metering. Throws `WasmValidationError`. */
export function validateAndInstrument(module: Uint8Array): InstrumentedModule {
  const { sections, info } = validateModule(module)
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
  rememberImportedMemoryLimits(code, memoryLimits)
  if (!WebAssembly.validate(code)) {
    throw new WasmValidationError('instrumented module failed validation (please report this module)')
  }
  return { code, info }
}
