import { STACK_OVERFLOW, STACK_UNDERFLOW } from './errors.js'

/** The EVM's stack limit. */
export const STACK_LIMIT = 1024

/**
 * A frame's operand stack: a preallocated array of 256-bit values as BigInt with a stack pointer.
 * (A later optimisation can keep values under 2^53 as numbers; callers only use push/pop/peek.)
 */
export class Stack {
  readonly items: bigint[] = new Array<bigint>(STACK_LIMIT).fill(0n)
  sp = 0

  /** Throws the stack-underflow halt unless `n` items are there, the overflow halt unless `grow` more fit. */
  require(n: number, grow: number): void {
    if (this.sp < n) throw STACK_UNDERFLOW
    if (this.sp - n + grow > STACK_LIMIT) throw STACK_OVERFLOW
  }

  push(value: bigint): void {
    if (this.sp >= STACK_LIMIT) throw STACK_OVERFLOW
    this.items[this.sp++] = value
  }

  pop(): bigint {
    if (this.sp === 0) throw STACK_UNDERFLOW
    return this.items[--this.sp] as bigint
  }

  /** The `n`-th item from the top (0 is the top). */
  peek(n: number): bigint {
    if (this.sp <= n) throw STACK_UNDERFLOW
    return this.items[this.sp - 1 - n] as bigint
  }

  /** DUPn: copies the n-th item (1-based) to the top. */
  dup(n: number): void {
    if (this.sp < n) throw STACK_UNDERFLOW
    if (this.sp >= STACK_LIMIT) throw STACK_OVERFLOW
    this.items[this.sp] = this.items[this.sp - n] as bigint
    this.sp++
  }

  /** SWAPn: exchanges the top with the (n+1)-th item. */
  swap(n: number): void {
    if (this.sp <= n) throw STACK_UNDERFLOW
    const top = this.sp - 1
    const other = top - n
    const t = this.items[top] as bigint
    this.items[top] = this.items[other] as bigint
    this.items[other] = t
  }
}
