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

/** One running frame's machine state. */
export class Frame {
  readonly stack = new Stack()
  readonly memory = new Memory()
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
  ) {}
}
