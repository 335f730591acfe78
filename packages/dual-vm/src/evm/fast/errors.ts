import { EVMError } from '@ethereumjs/evm'
import { BaseError } from '@rollup-mesh/core'

/**
 * The fast engine met something it does not run (a call into a WASM account, WASM init code, an
 * EIP-7702 delegation, an asynchronous precompile). The transaction's writes are rolled back to where
 * the engine started and the whole transaction runs on @ethereumjs/evm instead; never seen by users.
 */
export class FastEVMFallbackError extends BaseError {
  constructor(readonly reason: string) {
    super(`The fast EVM does not run this transaction: ${reason}.`, {
      code: 'FAST_EVM_FALLBACK',
      name: 'FastEVMFallbackError',
      metaMessages: ['- The executor reruns it on @ethereumjs/evm; this error never leaves the executor.'],
    })
  }
}

/**
 * An exceptional halt of a frame (all its gas consumed, no return data), thrown from deep in the
 * interpreter and caught at the frame. Not an error: control flow, so one shared instance per kind.
 * `error` is ethereumjs's message for the same halt, so results read the same on both engines.
 */
export class Halt {
  constructor(readonly error: string) {}
  toEVMError(): EVMError {
    return new EVMError(this.error as never)
  }
}

const M = EVMError.errorMessages
export const OUT_OF_GAS = new Halt(M.OUT_OF_GAS)
export const STACK_UNDERFLOW = new Halt(M.STACK_UNDERFLOW)
export const STACK_OVERFLOW = new Halt(M.STACK_OVERFLOW)
export const INVALID_JUMP = new Halt(M.INVALID_JUMP)
export const INVALID_OPCODE = new Halt(M.INVALID_OPCODE)
export const STATIC_STATE_CHANGE = new Halt(M.STATIC_STATE_CHANGE)
export const OUT_OF_RANGE = new Halt(M.OUT_OF_RANGE)
export const INITCODE_SIZE_VIOLATION = new Halt(M.INITCODE_SIZE_VIOLATION)
export const CODESIZE_EXCEEDS_MAXIMUM = new Halt(M.CODESIZE_EXCEEDS_MAXIMUM)
export const INVALID_BYTECODE_RESULT = new Halt(M.INVALID_BYTECODE_RESULT)
export const CREATE_COLLISION = new Halt(M.CREATE_COLLISION)
/** A REVERT: not exceptional (gas left is returned), but the frame's writes are undone. */
export const REVERT = new Halt(M.REVERT)

/**
 * `verifyEvm`: a transaction's result on the fast engine differs from @ethereumjs/evm's over the same
 * pre-state (a bug in the fast engine, never a user error). Names the transaction and the first field.
 */
export class EvmMismatchError extends BaseError {
  constructor(
    readonly txHash: string,
    readonly field: string,
    readonly fast: string,
    readonly ethereumjs: string,
  ) {
    super(`The fast EVM's result of transaction ${txHash} differs from ethereumjs's at ${field}.`, {
      code: 'EVM_MISMATCH',
      name: 'EvmMismatchError',
      metaMessages: [
        `- fast:       ${fast.slice(0, 400)}`,
        `- ethereumjs: ${ethereumjs.slice(0, 400)}`,
        "- This is a fast-engine bug: run the node with evm: 'ethereumjs' (`mesh up --evm ethereumjs`) until it is fixed.",
      ],
    })
  }
}
