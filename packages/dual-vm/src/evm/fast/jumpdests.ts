import type { Hex } from 'viem'
import { bytesToBigInt } from './memory.js'

const byHash = new Map<Hex, Uint8Array>()
const byCode = new WeakMap<Uint8Array, Uint8Array>()
const MAX_CACHED = 4096

/** One byte per code byte: 1 where a JUMPDEST (0x5b) is an instruction, not PUSH data. */
function analyze(code: Uint8Array): Uint8Array {
  const valid = new Uint8Array(code.length)
  for (let pc = 0; pc < code.length; pc++) {
    const op = code[pc] as number
    if (op === 0x5b) valid[pc] = 1
    else if (op >= 0x60 && op <= 0x7f) pc += op - 0x5f
  }
  return valid
}

/**
 * The valid jump destinations of `code`, computed once per code hash (deployed code) or per code array
 * (init code, which has no hash of its own), and shared by every frame that runs it.
 */
export function jumpDestinations(code: Uint8Array, codeHash: Hex | undefined): Uint8Array {
  if (codeHash !== undefined) {
    let valid = byHash.get(codeHash)
    if (!valid) {
      if (byHash.size >= MAX_CACHED) byHash.clear()
      valid = analyze(code)
      byHash.set(codeHash, valid)
    }
    return valid
  }
  let valid = byCode.get(code)
  if (!valid) {
    valid = analyze(code)
    byCode.set(code, valid)
  }
  return valid
}

const pushesByHash = new Map<Hex, (bigint | undefined)[]>()
const pushesByCode = new WeakMap<Uint8Array, (bigint | undefined)[]>()
/** Code bytes covered by the cached PUSH tables (8 bytes a slot): past this the by-hash cache starts over. */
const MAX_CACHED_PUSH_SLOTS = 4 * 1024 * 1024
let cachedPushSlots = 0

/**
 * The values of `code`'s PUSH instructions by the program counter of their first data byte, filled as
 * they run (`pushValue`), kept per code hash (or per init-code array) like the jump destinations. A dense
 * array rather than a Map, and for every width: a PUSH that ran once costs an array read afterwards, no
 * BigInt allocation (a third of a token transfer's instructions are PUSHes).
 */
export function pushValues(code: Uint8Array, codeHash: Hex | undefined): (bigint | undefined)[] {
  let values = codeHash !== undefined ? pushesByHash.get(codeHash) : pushesByCode.get(code)
  if (!values) {
    values = new Array<bigint | undefined>(code.length)
    if (codeHash === undefined) pushesByCode.set(code, values)
    else {
      if (pushesByHash.size >= MAX_CACHED || cachedPushSlots + code.length > MAX_CACHED_PUSH_SLOTS) {
        pushesByHash.clear()
        cachedPushSlots = 0
      }
      cachedPushSlots += code.length
      pushesByHash.set(codeHash, values)
    }
  }
  return values
}

/** The `n`-byte PUSH operand starting at `pc` (zero-padded past the end of the code), stored in `values`. */
export function pushValue(code: Uint8Array, values: (bigint | undefined)[], pc: number, n: number): bigint {
  let v: bigint
  if (pc + n <= code.length) v = bytesToBigInt(code, pc, n)
  else {
    const buf = new Uint8Array(n)
    buf.set(code.subarray(pc))
    v = bytesToBigInt(buf, 0, n)
  }
  values[pc] = v
  return v
}
