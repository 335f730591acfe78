import { keccak256 } from '@rollup-mesh/core'
import { type Address, getContractAddress } from 'viem'
import { isWasmInitCode } from '../../wasm/initCode.js'
import { accessAddress, useGas, useMemory } from './charge.js'
import { FastEVMFallbackError, INITCODE_SIZE_VIOLATION, OUT_OF_GAS, STATIC_STATE_CHANGE } from './errors.js'
import type { Frame } from './frame.js'
import { allButOne64th, G, MAX_INITCODE_SIZE, words } from './gas.js'
import { addBalance, balanceOf, type FastContext, isDead, subBalance, toAddress } from './host.js'
import { wordBytes } from './interpreter.js'
import { executeCall, executeCreate } from './message.js'

/** The call depth limit. */
export const MAX_DEPTH = 1024
/**
 * Frames nest on the JS stack (run → executeCall → run …); deeper than this the transaction goes to
 * ethereumjs (whose frames are async) rather than risk the JS stack. Depth-limit tests hit it.
 */
export const FAST_DEPTH_LIMIT = 400

function checkFastDepth(depth: number): void {
  if (depth + 1 > FAST_DEPTH_LIMIT && depth + 1 <= MAX_DEPTH)
    throw new FastEVMFallbackError(`call depth over ${FAST_DEPTH_LIMIT}`)
}
const MAX_NONCE = (1n << 64n) - 1n
const EMPTY = new Uint8Array(0)

/** The end of a memory range (0 when empty): the furthest end prices both of a call's ranges. */
const rangeEnd = (offset: bigint, size: bigint): bigint => (size === 0n ? 0n : offset + size)

/** CALL (0xf1), CALLCODE (0xf2), DELEGATECALL (0xf4), STATICCALL (0xfa). */
export function opCall(ctx: FastContext, f: Frame, op: number): void {
  const s = f.stack
  const requested = s.pop()
  const target = toAddress(s.pop())
  const value = op === 0xf1 || op === 0xf2 ? s.pop() : 0n
  const inOffset = s.pop()
  const inSize = s.pop()
  const outOffset = s.pop()
  const outSize = s.pop()
  const inEnd = rangeEnd(inOffset, inSize)
  const outEnd = rangeEnd(outOffset, outSize)
  // biome-ignore lint/complexity/useMathMinMax: BigInt operands (Math.max throws on them)
  const memoryGas = f.memory.expansionCost(0n, inEnd > outEnd ? inEnd : outEnd)
  let extra = accessAddress(ctx, target)
  if (value !== 0n) {
    extra += G.callValue
    if (op === 0xf1 && isDead(ctx.state, target)) extra += G.newAccount
  }
  if (f.gas < memoryGas + extra) throw OUT_OF_GAS
  const cap = allButOne64th(f.gas - memoryGas - extra)
  const callGas = requested < BigInt(cap) ? Number(requested) : cap
  useGas(f, memoryGas + extra + callGas)
  if (op === 0xf1 && value !== 0n && f.isStatic) throw STATIC_STATE_CHANGE
  if (inEnd > 0n) f.memory.grow(Number(inOffset), Number(inSize))
  if (outEnd > 0n) f.memory.grow(Number(outOffset), Number(outSize))
  const childGas = callGas + (value !== 0n ? G.callStipend : 0)
  f.returnData = EMPTY
  if (value !== 0n && balanceOf(ctx.state, f.address) < value) {
    f.gas += childGas
    s.push(0n)
    return
  }
  if (f.depth + 1 > MAX_DEPTH) {
    f.gas += childGas
    s.push(0n)
    return
  }
  checkFastDepth(f.depth)
  const delegate = op === 0xf4
  const result = executeCall(ctx, {
    caller: delegate ? f.caller : f.address,
    to: op === 0xf1 || op === 0xfa ? target : f.address,
    codeAddress: target,
    value: delegate ? f.value : value,
    data: f.memory.read(Number(inOffset), Number(inSize)),
    gas: childGas,
    depth: f.depth + 1,
    isStatic: f.isStatic || op === 0xfa,
    transfer: !delegate,
  })
  f.gas += result.gasLeft
  f.returnData = result.output
  const n = Math.min(Number(outSize), result.output.length)
  if (n > 0) f.memory.write(Number(outOffset), result.output.subarray(0, n))
  s.push(result.status === 'success' ? 1n : 0n)
}

/** The CREATE2 address: keccak256(0xff ‖ sender ‖ salt ‖ keccak256(initcode))[12:]. */
export function create2Address(sender: Address, salt: bigint, initCode: Uint8Array): Address {
  const buf = new Uint8Array(85)
  buf[0] = 0xff
  buf.set(hexToBytes20(sender), 1)
  buf.set(wordBytes(salt), 21)
  buf.set(keccak256(initCode, 'bytes'), 53)
  const hash = keccak256(buf)
  return `0x${hash.slice(26)}`
}

function hexToBytes20(address: Address): Uint8Array {
  const out = new Uint8Array(20)
  for (let i = 0; i < 20; i++) out[i] = Number.parseInt(address.slice(2 + i * 2, 4 + i * 2), 16)
  return out
}

/** EIP-7610 and before: a CREATE target with a nonce, code or storage collides. */
export function collides(ctx: FastContext, address: Address): boolean {
  const a = ctx.state.getAccount(address)
  if (
    a &&
    (a.nonce !== 0n || a.codeHash !== '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470')
  )
    return true
  return ctx.state.hasStorage(address)
}

/** CREATE (0xf0) and CREATE2 (0xf5). */
export function opCreate(ctx: FastContext, f: Frame, op: number): void {
  const s = f.stack
  const value = s.pop()
  const offset = s.pop()
  const size = s.pop()
  const salt = op === 0xf5 ? s.pop() : 0n
  if (size > BigInt(MAX_INITCODE_SIZE)) throw INITCODE_SIZE_VIOLATION
  const w = words(Number(size))
  const [o, n] = useMemory(f, offset, size, G.initcodeWord * w + (op === 0xf5 ? G.keccakWord * w : 0))
  if (f.isStatic) throw STATIC_STATE_CHANGE
  const initCode = f.memory.read(o, n)
  if (isWasmInitCode(initCode)) throw new FastEVMFallbackError('a WASM deployment from a contract')
  const sender = ctx.state.getAccount(f.address)
  const nonce = sender?.nonce ?? 0n
  const address =
    op === 0xf5
      ? create2Address(f.address, salt, initCode)
      : (getContractAddress({ from: f.address, nonce }).toLowerCase() as Address)
  ctx.sub.warmAddress(address)
  const childGas = allButOne64th(f.gas)
  f.gas -= childGas
  f.returnData = EMPTY
  if ((sender?.balance ?? 0n) < value || nonce >= MAX_NONCE || f.depth + 1 > MAX_DEPTH) {
    f.gas += childGas
    s.push(0n)
    return
  }
  checkFastDepth(f.depth)
  if (sender) ctx.state.putAccount(f.address, { ...sender, nonce: nonce + 1n })
  if (collides(ctx, address)) {
    s.push(0n)
    return
  }
  const result = executeCreate(ctx, {
    caller: f.address,
    to: address,
    codeAddress: address,
    value,
    data: initCode,
    gas: childGas,
    depth: f.depth + 1,
    isStatic: false,
    transfer: true,
  })
  f.gas += result.gasLeft
  f.returnData = result.status === 'revert' ? result.output : EMPTY
  s.push(result.status === 'success' ? BigInt(address) : 0n)
}

/** SELFDESTRUCT (0xff) under EIP-6780: moves the balance; deletes only an account created in this transaction. */
export function opSelfdestruct(ctx: FastContext, f: Frame): void {
  const beneficiary = toAddress(f.stack.pop())
  let gas = ctx.sub.warmAddress(beneficiary) ? G.coldAccount : 0
  const balance = balanceOf(ctx.state, f.address)
  if (balance !== 0n && isDead(ctx.state, beneficiary)) gas += G.newAccount
  useGas(f, gas)
  if (f.isStatic) throw STATIC_STATE_CHANGE
  subBalance(ctx.state, f.address, balance)
  addBalance(ctx.state, beneficiary, balance)
  ctx.sub.touch(beneficiary)
  if (ctx.sub.created.has(f.address)) {
    const self = ctx.state.getAccount(f.address)
    if (self && self.balance !== 0n) ctx.state.putAccount(f.address, { ...self, balance: 0n })
    ctx.sub.markSelfdestruct(f.address)
  }
  f.output = EMPTY
}
