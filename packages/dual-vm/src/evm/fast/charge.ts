import { OUT_OF_GAS } from './errors.js'
import type { Frame } from './frame.js'
import { G, words } from './gas.js'
import type { FastContext } from './host.js'
import { MAX_MEMORY, memoryCost } from './memory.js'

const MAX_MEMORY_BIG = BigInt(MAX_MEMORY)

/** Charges gas; out of gas halts the frame. */
export function useGas(f: Frame, amount: number): void {
  f.gas -= amount
  if (f.gas < 0) throw OUT_OF_GAS
}

/** Prices, charges and grows memory for [offset, offset+size); returns the range as numbers. */
export function useMemory(f: Frame, offset: bigint, size: bigint, extra = 0): [number, number] {
  useGas(f, f.memory.expansionCost(offset, size) + extra)
  if (size === 0n) return [0, 0]
  const o = Number(offset)
  const n = Number(size)
  f.memory.grow(o, n)
  return [o, n]
}

/**
 * `useMemory` for a fixed, non-zero `size` (MLOAD, MSTORE: 32; MSTORE8: 1): the same charge and growth,
 * without BigInt arithmetic or a returned pair; returns the offset as a number.
 */
export function useFixed(f: Frame, offset: bigint, size: number): number {
  if (offset >= MAX_MEMORY_BIG) throw OUT_OF_GAS
  const o = Number(offset)
  if (o + size > MAX_MEMORY) throw OUT_OF_GAS
  const memory = f.memory
  const w = Math.ceil((o + size) / 32)
  if (w > memory.words) {
    useGas(f, memoryCost(w) - memoryCost(memory.words))
    memory.grow(o, size)
  }
  return o
}

/** The per-word copy cost of `size` bytes (unpayable beyond 4 GiB). */
export const copyGas = (size: bigint): number =>
  size > 0xffffffffn ? Number.MAX_SAFE_INTEGER : G.copyWord * words(Number(size))

/** Warms an address; the EIP-2929 access cost (100 warm, 2600 cold). */
export function accessAddress(ctx: FastContext, address: string): number {
  return ctx.sub.warmAddress(address) ? G.coldAccount : G.warmRead
}
