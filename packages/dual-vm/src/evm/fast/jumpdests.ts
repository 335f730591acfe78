import type { Hex } from 'viem'

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

const pushesByHash = new Map<Hex, Map<number, bigint>>()
const pushesByCode = new WeakMap<Uint8Array, Map<number, bigint>>()

/**
 * The parsed values of `code`'s wide PUSH instructions by program counter, filled as they run, kept per
 * code hash (or per init-code array) like the jump destinations.
 */
export function pushValues(code: Uint8Array, codeHash: Hex | undefined): Map<number, bigint> {
  let values = codeHash !== undefined ? pushesByHash.get(codeHash) : pushesByCode.get(code)
  if (!values) {
    values = new Map()
    if (codeHash === undefined) pushesByCode.set(code, values)
    else {
      if (pushesByHash.size >= MAX_CACHED) pushesByHash.clear()
      pushesByHash.set(codeHash, values)
    }
  }
  return values
}
