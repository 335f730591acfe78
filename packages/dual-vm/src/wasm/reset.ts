import type { Section } from './binary/format.js'
import { Reader, readLimits, readSections, skipConstExpr } from './binary/reader.js'
import { Writer } from './binary/writer.js'
import { RESET_EXPORT } from './hostAbi.js'

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
