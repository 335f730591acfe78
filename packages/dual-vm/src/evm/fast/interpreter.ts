import { keccak256 } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import { hexToByteArray } from '../../trace/hex.js'
import * as A from './arith.js'
import { opCall, opCreate, opSelfdestruct } from './calls.js'
import { copyGas, useFixed, useGas, useMemory } from './charge.js'
import { opEnvironment } from './environment.js'
import { INVALID_JUMP, INVALID_OPCODE, OUT_OF_GAS, REVERT, STATIC_STATE_CHANGE } from './errors.js'
import type { Frame } from './frame.js'
import { G, STATIC_GAS, sstoreCost, words } from './gas.js'
import { type FastContext, toSlot } from './host.js'
import { jumpDestinations, pushValue, pushValues } from './jumpdests.js'
import { bigIntToBytes } from './memory.js'

/**
 * Runs a frame's code from its first opcode to STOP, RETURN or the end (success, `f.output` set), REVERT
 * (throws the REVERT halt, `f.output` set) or an exceptional halt (throws it). Synchronous throughout.
 */
export function run(ctx: FastContext, f: Frame): void {
  const code = f.code
  const s = f.stack
  const mem = f.memory
  const codeSize = BigInt(code.length)
  let jumps: Uint8Array | undefined
  const pushes = pushValues(code, f.codeHash)
  while (f.pc < code.length) {
    const op = code[f.pc] as number
    const cost = STATIC_GAS[op]
    if (cost === undefined || (op === 0x1e && !ctx.clz)) throw INVALID_OPCODE
    f.gas -= cost
    if (f.gas < 0) throw OUT_OF_GAS
    const pc = f.pc + 1
    if (op >= 0x60 && op <= 0x7f) {
      const n = op - 0x5f
      s.push(pushes[pc] ?? pushValue(code, pushes, pc, n))
      f.pc = pc + n
      continue
    }
    f.pc = pc
    if (op >= 0x80 && op <= 0x8f) {
      s.dup(op - 0x7f)
      continue
    }
    if (op >= 0x90 && op <= 0x9f) {
      s.swap(op - 0x8f)
      continue
    }
    switch (op) {
      case 0x00:
        f.output = new Uint8Array(0)
        return
      case 0x01:
        s.push((s.pop() + s.pop()) & A.MAX_U256)
        break
      case 0x02:
        s.push((s.pop() * s.pop()) & A.MAX_U256)
        break
      case 0x03:
        s.push((s.pop() - s.pop()) & A.MAX_U256)
        break
      case 0x04: {
        const a = s.pop()
        const b = s.pop()
        s.push(b === 0n ? 0n : a / b)
        break
      }
      case 0x05:
        s.push(A.sdiv(s.pop(), s.pop()))
        break
      case 0x06: {
        const a = s.pop()
        const b = s.pop()
        s.push(b === 0n ? 0n : a % b)
        break
      }
      case 0x07:
        s.push(A.smod(s.pop(), s.pop()))
        break
      case 0x08: {
        const a = s.pop()
        const b = s.pop()
        const m = s.pop()
        s.push(m === 0n ? 0n : (a + b) % m)
        break
      }
      case 0x09: {
        const a = s.pop()
        const b = s.pop()
        const m = s.pop()
        s.push(m === 0n ? 0n : (a * b) % m)
        break
      }
      case 0x0a: {
        const base = s.pop()
        const exponent = s.pop()
        useGas(f, G.expByte * A.byteLength(exponent))
        s.push(A.exp(base, exponent))
        break
      }
      case 0x0b:
        s.push(A.signextend(s.pop(), s.pop()))
        break
      case 0x10: {
        const a = s.pop()
        s.push(a < s.pop() ? 1n : 0n)
        break
      }
      case 0x11: {
        const a = s.pop()
        s.push(a > s.pop() ? 1n : 0n)
        break
      }
      case 0x12:
        s.push(A.slt(s.pop(), s.pop()) ? 1n : 0n)
        break
      case 0x13: {
        const a = s.pop()
        s.push(A.slt(s.pop(), a) ? 1n : 0n)
        break
      }
      case 0x14: {
        const a = s.pop()
        s.push(a === s.pop() ? 1n : 0n)
        break
      }
      case 0x15:
        s.push(s.pop() === 0n ? 1n : 0n)
        break
      case 0x16:
        s.push(s.pop() & s.pop())
        break
      case 0x17:
        s.push(s.pop() | s.pop())
        break
      case 0x18:
        s.push(s.pop() ^ s.pop())
        break
      case 0x19:
        s.push(A.MAX_U256 ^ s.pop())
        break
      case 0x1a:
        s.push(A.byteAt(s.pop(), s.pop()))
        break
      case 0x1b:
        s.push(A.shl(s.pop(), s.pop()))
        break
      case 0x1c:
        s.push(A.shr(s.pop(), s.pop()))
        break
      case 0x1d:
        s.push(A.sar(s.pop(), s.pop()))
        break
      case 0x1e:
        s.push(A.clz(s.pop()))
        break
      case 0x20: {
        const offset = s.pop()
        const size = s.pop()
        const [o, n] = useMemory(
          f,
          offset,
          size,
          size > 0xffffffffn ? Number.MAX_SAFE_INTEGER : G.keccakWord * words(Number(size)),
        )
        const hash = keccak256(mem.view(o, n))
        const word = BigInt(hash)
        hashWords[lastHash] = word
        hashKeys[lastHash] = hash
        lastHash = (lastHash + 1) & 3
        s.push(word)
        break
      }
      case 0x50:
        s.pop()
        break
      case 0x51: {
        s.push(mem.readWord(useFixed(f, s.pop(), 32)))
        break
      }
      case 0x52: {
        const offset = s.pop()
        const value = s.pop()
        mem.writeWord(useFixed(f, offset, 32), value)
        break
      }
      case 0x53: {
        const offset = s.pop()
        const value = s.pop()
        const o = useFixed(f, offset, 1) // before reading mem.buf: growing may replace it
        mem.buf[o] = Number(value & 0xffn)
        break
      }
      case 0x54: {
        const slot = slotKey(s.pop())
        useGas(f, ctx.sub.warmSlot(f.address, slot) ? G.coldSload : G.warmRead)
        s.push(BigInt(ctx.state.getStorage(f.address, slot)))
        break
      }
      case 0x55:
        sstore(ctx, f)
        break
      case 0x56: {
        const dest = s.pop()
        jumps ??= jumpDestinations(code, f.codeHash)
        if (dest >= codeSize || jumps[Number(dest)] !== 1) throw INVALID_JUMP
        f.pc = Number(dest)
        break
      }
      case 0x57: {
        const dest = s.pop()
        const cond = s.pop()
        if (cond !== 0n) {
          jumps ??= jumpDestinations(code, f.codeHash)
          if (dest >= codeSize || jumps[Number(dest)] !== 1) throw INVALID_JUMP
          f.pc = Number(dest)
        }
        break
      }
      case 0x58:
        s.push(BigInt(f.pc - 1))
        break
      case 0x59:
        s.push(BigInt(mem.words * 32))
        break
      case 0x5a:
        s.push(BigInt(f.gas))
        break
      case 0x5b:
        break
      case 0x5c:
        s.push(ctx.sub.tload(f.address + toSlot(s.pop())))
        break
      case 0x5d: {
        if (f.isStatic) throw STATIC_STATE_CHANGE
        const slot = toSlot(s.pop())
        ctx.sub.tstore(f.address + slot, s.pop())
        break
      }
      case 0x5e: {
        const dst = s.pop()
        const src = s.pop()
        const size = s.pop()
        // Charged for the range that ends further out; it covers both.
        // biome-ignore lint/complexity/useMathMinMax: BigInt operands (Math.max throws on them)
        const [, n] = useMemory(f, dst > src ? dst : src, size, copyGas(size))
        if (n > 0) mem.buf.copyWithin(Number(dst), Number(src), Number(src) + n)
        break
      }
      case 0x5f:
        s.push(0n)
        break
      case 0xa0:
      case 0xa1:
      case 0xa2:
      case 0xa3:
      case 0xa4: {
        const offset = s.pop()
        const size = s.pop()
        const count = op - 0xa0
        const topics: Uint8Array[] = []
        for (let i = 0; i < count; i++) topics.push(wordBytes(s.pop()))
        const dataGas = size > 0xffffffffn ? Number.MAX_SAFE_INTEGER : G.logData * Number(size)
        const [o, n] = useMemory(f, offset, size, G.logTopic * count + dataGas)
        if (f.isStatic) throw STATIC_STATE_CHANGE
        ctx.sub.logs.push([hexBytes(f.address), topics, mem.read(o, n)])
        break
      }
      case 0xf0:
      case 0xf5:
        opCreate(ctx, f, op)
        break
      case 0xf1:
      case 0xf2:
      case 0xf4:
      case 0xfa:
        opCall(ctx, f, op)
        break
      case 0xf3:
      case 0xfd: {
        const [o, n] = useMemory(f, s.pop(), s.pop())
        f.output = mem.read(o, n)
        if (op === 0xfd) throw REVERT
        return
      }
      case 0xff:
        opSelfdestruct(ctx, f)
        return
      default:
        if (op >= 0x30 && op <= 0x4a) {
          opEnvironment(ctx, f, op)
          break
        }
        throw INVALID_OPCODE
    }
  }
  f.output = new Uint8Array(0)
}

/**
 * The last four SHA3 results, as words and as the hex the hasher gave: Solidity hashes a mapping key and
 * then loads or stores that slot, so the slot's key string comes from here instead of a second conversion.
 */
const hashWords: bigint[] = [-1n, -1n, -1n, -1n]
const hashKeys: Hex[] = ['0x', '0x', '0x', '0x']
let lastHash = 0

/** A stack value as a storage key: a recent SHA3 result's own hex, else `toSlot`. */
function slotKey(value: bigint): Hex {
  for (let i = 0; i < 4; i++) if (hashWords[i] === value) return hashKeys[i] as Hex
  return toSlot(value)
}

function sstore(ctx: FastContext, f: Frame): void {
  const s = f.stack
  const slot = slotKey(s.pop())
  const next = s.pop()
  if (f.gas <= G.sstoreSentry) throw OUT_OF_GAS
  const state = ctx.state
  const original = BigInt(state.getOriginalStorage(f.address, slot))
  const current = BigInt(state.getStorage(f.address, slot))
  const cold = ctx.sub.warmSlot(f.address, slot) ? G.coldSload : 0
  const { gas, refund } = sstoreCost(original, current, next)
  ctx.sub.refund += refund
  useGas(f, gas + cold)
  if (f.isStatic) throw STATIC_STATE_CHANGE
  state.putStorage(f.address, slot, toSlot(next))
}

/** A stack value as 32 big-endian bytes. */
export function wordBytes(v: bigint): Uint8Array {
  return bigIntToBytes(v, 32)
}

/** 0x hex to bytes. */
export const hexBytes = hexToByteArray
