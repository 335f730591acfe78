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
