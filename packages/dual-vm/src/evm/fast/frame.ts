import type { Address, Hex } from 'viem'
import type { Halt } from './errors.js'
import { Memory } from './memory.js'
import { Stack } from './stack.js'

/** A message (one call or create frame) as the CALL family and CREATE build it. */
export type FastMessage = {
  caller: Address
  /** The account whose storage and balance the frame runs on (the new account for a create). */
  to: Address
  /** Where the code comes from (differs from `to` for DELEGATECALL and CALLCODE). */
  codeAddress: Address
  value: bigint
  data: Uint8Array
  gas: number
  depth: number
  isStatic: boolean
  /** False for DELEGATECALL (the value is only the context's CALLVALUE). */
  transfer: boolean
}

/** How a frame ended: `halt` consumed all its gas; `revert` returns what it had left. */
export type FrameResult = {
  status: 'success' | 'revert' | 'halt'
  gasLeft: number
  output: Uint8Array
  halt?: Halt | undefined
}

/**
 * Stacks and memories by call depth, reused by every frame at that depth: frames nest strictly (a frame
 * at depth d ends before another at depth d starts, and the engine is synchronous), so one of each per
 * depth suffices. Allocating them per frame (an 8 KiB stack array, a 1 KiB buffer) was a tenth of an
 * ERC20 transfer's time, most of it in the garbage collector. Reset when taken, so a frame that ended by a
 * throw (a fallback, a JS stack overflow) leaves nothing behind.
 */
const stacks: Stack[] = []
const memories: Memory[] = []

/** One running frame's machine state. */
export class Frame {
  readonly stack: Stack
  readonly memory: Memory
  /** The return data of the last call this frame made (RETURNDATASIZE/COPY). */
  returnData: Uint8Array = new Uint8Array(0)
  /** What RETURN or REVERT handed back. */
  output: Uint8Array = new Uint8Array(0)
  pc = 0

  constructor(
    readonly address: Address,
    readonly caller: Address,
    readonly value: bigint,
    readonly data: Uint8Array,
    readonly code: Uint8Array,
    readonly codeHash: Hex | undefined,
    public gas: number,
    readonly depth: number,
    readonly isStatic: boolean,
  ) {
    let stack = stacks[depth]
    if (stack) stack.sp = 0
    else {
      stack = new Stack()
      stacks[depth] = stack
    }
    this.stack = stack
    let memory = memories[depth]
    if (memory) memory.reset()
    else {
      memory = new Memory()
      memories[depth] = memory
    }
    this.memory = memory
  }
}
