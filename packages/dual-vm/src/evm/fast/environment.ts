import { accessAddress, copyGas, useGas, useMemory } from './charge.js'
import { OUT_OF_RANGE } from './errors.js'
import type { Frame } from './frame.js'
import { balanceOf, codeOf, type FastContext, isDead, toAddress } from './host.js'
import { bytesToBigInt } from './memory.js'

/** Reads `length` bytes of `src` at `offset` (a stack value) right-padded with zeros, as a word. */
function wordAt(src: Uint8Array, offset: bigint): bigint {
  if (offset >= BigInt(src.length)) return 0n
  const o = Number(offset)
  if (o + 32 <= src.length) return bytesToBigInt(src, o, 32)
  const buf = new Uint8Array(32)
  buf.set(src.subarray(o))
  return bytesToBigInt(buf, 0, 32)
}

/** Code of another account for EXTCODE* (a WASM account's bytes as they are; a 7702 delegation falls back). */
function externalCode(ctx: FastContext, address: string): Uint8Array {
  const account = ctx.state.getAccount(address as `0x${string}`)
  if (account?.vm === 'wasm') return ctx.state.getCodeAt(address as `0x${string}`)
  return codeOf(ctx, address as `0x${string}`).code
}

/** The environment and block opcodes (0x30 ADDRESS … 0x4a BLOBBASEFEE), static gas already charged. */
export function opEnvironment(ctx: FastContext, f: Frame, op: number): void {
  const s = f.stack
  const mem = f.memory
  const code = f.code
  switch (op) {
    case 0x30:
      s.push(BigInt(f.address))
      break
    case 0x31: {
      const address = toAddress(s.pop())
      useGas(f, accessAddress(ctx, address))
      s.push(balanceOf(ctx.state, address))
      break
    }
    case 0x32:
      s.push(BigInt(ctx.env.origin))
      break
    case 0x33:
      s.push(BigInt(f.caller))
      break
    case 0x34:
      s.push(f.value)
      break
    case 0x35:
      s.push(wordAt(f.data, s.pop()))
      break
    case 0x36:
      s.push(BigInt(f.data.length))
      break
    case 0x37:
    case 0x39:
    case 0x3e: {
      const memOffset = s.pop()
      const offset = s.pop()
      const size = s.pop()
      const src = op === 0x37 ? f.data : op === 0x39 ? code : f.returnData
      if (op === 0x3e && offset + size > BigInt(src.length)) throw OUT_OF_RANGE
      const [o, n] = useMemory(f, memOffset, size, copyGas(size))
      mem.writePadded(o, src, offset > BigInt(src.length) ? src.length : Number(offset), n)
      break
    }
    case 0x38:
      s.push(BigInt(code.length))
      break
    case 0x3a:
      s.push(ctx.env.gasPrice)
      break
    case 0x3b: {
      const address = toAddress(s.pop())
      useGas(f, accessAddress(ctx, address))
      s.push(BigInt(externalCode(ctx, address).length))
      break
    }
    case 0x3c: {
      const address = toAddress(s.pop())
      const memOffset = s.pop()
      const offset = s.pop()
      const size = s.pop()
      const [o, n] = useMemory(f, memOffset, size, copyGas(size) + accessAddress(ctx, address))
      const src = externalCode(ctx, address)
      mem.writePadded(o, src, offset > BigInt(src.length) ? src.length : Number(offset), n)
      break
    }
    case 0x3d:
      s.push(BigInt(f.returnData.length))
      break
    case 0x3f: {
      const address = toAddress(s.pop())
      useGas(f, accessAddress(ctx, address))
      if (isDead(ctx.state, address)) s.push(0n)
      else {
        externalCode(ctx, address) // a 7702 delegation falls back before anything is pushed
        s.push(BigInt(ctx.state.getAccount(address)?.codeHash as string))
      }
      break
    }
    case 0x40: {
      const n = s.pop()
      const current = ctx.env.number
      if (n >= current || current - n > 256n) s.push(0n)
      else s.push(BigInt(ctx.env.blockHash(n) ?? 0n))
      break
    }
    case 0x41:
      s.push(BigInt(ctx.env.coinbase))
      break
    case 0x42:
      s.push(ctx.env.timestamp)
      break
    case 0x43:
      s.push(ctx.env.number)
      break
    case 0x44:
      s.push(ctx.env.prevRandao)
      break
    case 0x45:
      s.push(ctx.env.gasLimit)
      break
    case 0x46:
      s.push(ctx.env.chainId)
      break
    case 0x47:
      s.push(balanceOf(ctx.state, f.address))
      break
    case 0x48:
      s.push(ctx.env.baseFee)
      break
    case 0x49:
      s.pop()
      s.push(0n) // no blob transactions
      break
    case 0x4a:
      s.push(ctx.env.blobBaseFee)
      break
  }
}
