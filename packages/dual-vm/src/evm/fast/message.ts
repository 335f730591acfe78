import type { ExecResult, PrecompileFunc } from '@ethereumjs/evm'
import { EMPTY_CODE_HASH } from '@rollup-mesh/core'
import {
  CODESIZE_EXCEEDS_MAXIMUM,
  FastEVMFallbackError,
  Halt,
  INVALID_BYTECODE_RESULT,
  OUT_OF_GAS,
  REVERT,
} from './errors.js'
import { type FastMessage, Frame, type FrameResult } from './frame.js'
import { G, MAX_CODE_SIZE } from './gas.js'
import { codeOf, type FastContext, transfer } from './host.js'
import { run } from './interpreter.js'

const EMPTY = new Uint8Array(0)

/** Runs a frame's code: success, revert (gas left returned) or an exceptional halt (all gas gone). */
export function runFrame(ctx: FastContext, f: Frame): FrameResult {
  try {
    run(ctx, f)
    return { status: 'success', gasLeft: f.gas, output: f.output }
  } catch (e) {
    if (e === REVERT) return { status: 'revert', gasLeft: f.gas, output: f.output }
    if (e instanceof Halt) return { status: 'halt', gasLeft: 0, output: EMPTY, halt: e }
    throw e
  }
}

/**
 * A message call: checkpoint, touch the target, move the value, run the precompile or the code, then
 * commit on success or revert. The caller has charged the gas and checked depth and balance.
 */
export function executeCall(ctx: FastContext, msg: FastMessage): FrameResult {
  const { state, sub } = ctx
  state.checkpoint()
  sub.checkpoint()
  sub.touch(msg.to)
  if (msg.transfer && msg.value !== 0n) transfer(ctx, msg.caller, msg.to, msg.value)
  let result: FrameResult
  const precompile = ctx.precompiles.get(msg.codeAddress)
  if (precompile) result = runPrecompile(ctx, precompile, msg)
  else {
    const { code, hash } = codeOf(ctx, msg.codeAddress)
    result =
      code.length === 0
        ? { status: 'success', gasLeft: msg.gas, output: EMPTY }
        : runFrame(
            ctx,
            new Frame(msg.to, msg.caller, msg.value, msg.data, code, hash, msg.gas, msg.depth, msg.isStatic),
          )
  }
  if (result.status === 'success') {
    state.commit()
    sub.commit()
  } else {
    state.revert()
    sub.revert()
  }
  return result
}

/**
 * A contract creation at `msg.to` (the caller checked collision, depth and balance and bumped its own
 * nonce): the new account gets nonce 1 and the value, the init code runs, its output is charged 200 gas a
 * byte and stored (EIP-170 size limit, EIP-3541 no 0xEF prefix).
 */
export function executeCreate(ctx: FastContext, msg: FastMessage): FrameResult {
  const { state, sub } = ctx
  state.checkpoint()
  sub.checkpoint()
  sub.markCreated(msg.to)
  const existing = state.getAccount(msg.to)
  state.putAccount(msg.to, {
    nonce: (existing?.nonce ?? 0n) + 1n,
    balance: existing?.balance ?? 0n,
    codeHash: EMPTY_CODE_HASH,
    vm: 'evm',
  })
  sub.touch(msg.to)
  if (msg.value !== 0n) transfer(ctx, msg.caller, msg.to, msg.value)
  let result: FrameResult =
    msg.data.length === 0
      ? { status: 'success', gasLeft: msg.gas, output: EMPTY }
      : runFrame(
          ctx,
          new Frame(msg.to, msg.caller, msg.value, EMPTY, msg.data, undefined, msg.gas, msg.depth, false),
        )
  if (result.status === 'success') {
    const code = result.output
    const deposit = code.length * G.codeDeposit
    const halt =
      code.length > 0 && code[0] === 0xef
        ? INVALID_BYTECODE_RESULT
        : code.length > MAX_CODE_SIZE
          ? CODESIZE_EXCEEDS_MAXIMUM
          : deposit > result.gasLeft
            ? OUT_OF_GAS
            : undefined
    if (halt) result = { status: 'halt', gasLeft: 0, output: EMPTY, halt }
    else {
      if (code.length > 0) state.putCode(msg.to, code, 'evm')
      result = { status: 'success', gasLeft: result.gasLeft - deposit, output: EMPTY }
    }
  }
  if (result.status === 'success') {
    state.commit()
    sub.commit()
  } else {
    state.revert()
    sub.revert()
  }
  return result
}

/** A precompile through ethereumjs's own implementation (an asynchronous one falls back). */
function runPrecompile(ctx: FastContext, fn: PrecompileFunc, msg: FastMessage): FrameResult {
  const out = fn({
    data: msg.data,
    gasLimit: BigInt(msg.gas),
    common: ctx.common,
    _EVM: ctx.precompileEVM as never,
  })
  if (out instanceof Promise) {
    out.catch(() => {})
    throw new FastEVMFallbackError(`the asynchronous precompile ${msg.codeAddress}`)
  }
  const result = out as ExecResult
  if (result.exceptionError) return { status: 'halt', gasLeft: 0, output: EMPTY, halt: OUT_OF_GAS }
  return { status: 'success', gasLeft: msg.gas - Number(result.executionGasUsed), output: result.returnValue }
}
