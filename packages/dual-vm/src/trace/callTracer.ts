import { EVMError, type EVMResult, type InterpreterStep, type Message } from '@ethereumjs/evm'
import { type Address, decodeErrorResult, type Hex } from 'viem'
import { bytesHex, quantity } from './hex.js'
import type { CallTracerConfig } from './options.js'
import type { Tracer } from './tracedRun.js'

export type CallLog = { address: Address; topics: Hex[]; data: Hex; position: Hex; index: Hex }

/** One frame of geth's `callTracer`. */
export type CallFrame = {
  type: string
  from: Address
  to?: Address
  value?: Hex
  gas: Hex
  gasUsed: Hex
  input: Hex
  output?: Hex
  error?: string
  revertReason?: string
  calls?: CallFrame[]
  logs?: CallLog[]
}

type OpenFrame = { frame: CallFrame; logs: CallLog[]; calls: CallFrame[]; gas: bigint }

const CALL_OPS = new Set(['CALL', 'CALLCODE', 'DELEGATECALL', 'STATICCALL', 'CREATE', 'CREATE2'])

/** The reason in `Error(string)` revert data, if that is what it is. */
export function revertReasonOf(data: Uint8Array): string | undefined {
  if (data.length < 4) return undefined
  try {
    const decoded = decodeErrorResult({ data: bytesHex(data) })
    if (decoded.errorName === 'Error') return decoded.args?.[0] as string
  } catch {
    // not a standard error
  }
  return undefined
}

/** A frame's type: the opcode that made it when the EVM ran one, else read off the message (WASM callers). */
function frameType(message: Message, op: string | undefined): string {
  if (op !== undefined) return op
  if (message.to === undefined) return message.salt ? 'CREATE2' : 'CREATE'
  if (message.delegatecall) return 'DELEGATECALL'
  if (message.isStatic) return 'STATICCALL'
  return 'CALL'
}

/**
 * geth's `callTracer`: the tree of call frames with their type, addresses, value, gas, input, output,
 * error and revert reason, and with `withLog` the logs each frame emitted (dropped when the frame or
 * one above it failed, as geth does). Calls into and out of WASM contracts are frames like any other
 * (their type follows the message: CALL, STATICCALL, DELEGATECALL, CREATE); logs emitted by WASM code are
 * not listed (only EVM LOG opcodes are seen).
 */
export function createCallTracer(config: CallTracerConfig): Tracer {
  const stack: OpenFrame[] = []
  let root: CallFrame | undefined
  /** The call/create opcode just executed by the EVM, consumed by the next frame. */
  let lastOp: string | undefined
  let logIndex = 0

  const step = (s: InterpreterStep) => {
    const op = s.opcode.name
    lastOp = CALL_OPS.has(op) ? op : undefined
    if (config.withLog && op.startsWith('LOG')) {
      const open = stack[stack.length - 1]
      if (!open) return
      const st = s.stack
      const offset = Number(st[st.length - 1] ?? 0n)
      const size = Number(st[st.length - 2] ?? 0n)
      const topics: Hex[] = []
      const count = Number(op.slice(3))
      for (let i = 0; i < count; i++)
        topics.push(`0x${(st[st.length - 3 - i] ?? 0n).toString(16).padStart(64, '0')}`)
      const data = new Uint8Array(size)
      data.set(s.memory.subarray(offset, offset + size))
      open.logs.push({
        address: s.address.toString() as Address,
        topics,
        data: bytesHex(data),
        position: quantity(open.calls.length),
        index: quantity(logIndex++),
      })
    }
  }

  const enter = (message: Message) => {
    const type = frameType(message, message.depth === 0 ? undefined : lastOp)
    lastOp = undefined
    const frame: CallFrame = {
      type,
      from: message.caller.toString() as Address,
      gas: quantity(message.gasLimit),
      gasUsed: '0x0',
      input: bytesHex(message.data),
    }
    if (message.to) frame.to = message.to.toString() as Address
    if (type !== 'STATICCALL' && type !== 'DELEGATECALL') frame.value = quantity(message.value)
    stack.push({ frame, logs: [], calls: [], gas: message.gasLimit })
  }

  const exit = (result: EVMResult, message: Message) => {
    const open = stack.pop()
    if (!open) return
    const { frame } = open
    const exec = result.execResult
    if (frame.type === 'CREATE' || frame.type === 'CREATE2') {
      const created = result.createdAddress ?? message.to
      if (created) frame.to = created.toString() as Address
    }
    frame.gasUsed = quantity(exec.executionGasUsed)
    const error = exec.exceptionError
    if (error) {
      frame.error = error.error === EVMError.errorMessages.REVERT ? 'execution reverted' : error.error
      if (error.error === EVMError.errorMessages.REVERT && exec.returnValue.length > 0) {
        frame.output = bytesHex(exec.returnValue)
        const reason = revertReasonOf(exec.returnValue)
        if (reason !== undefined) frame.revertReason = reason
      }
    } else if (exec.returnValue.length > 0) {
      frame.output = bytesHex(exec.returnValue)
    }
    if (open.calls.length) frame.calls = open.calls
    if (config.withLog && open.logs.length) frame.logs = open.logs
    const parent = stack[stack.length - 1]
    if (!parent) root = frame
    else if (!config.onlyTopCall) parent.calls.push(frame)
  }

  return {
    hooks: { ...(config.withLog || !config.onlyTopCall ? { step } : {}), enter, exit },
    result(run): CallFrame {
      const top = root ?? {
        type: run.tx.to === null ? 'CREATE' : 'CALL',
        from: run.tx.from.toLowerCase() as Address,
        gas: '0x0',
        gasUsed: '0x0',
        input: run.tx.data,
      }
      top.gas = quantity(run.executionGas)
      top.gasUsed = quantity(run.receipt.gasUsed)
      if (run.tx.to === null && run.receipt.contractAddress) top.to = run.receipt.contractAddress
      return reorder(top, false)
    },
  }
}

/** The frame's fields in geth's order (readable diffs against other nodes); logs under a failed frame are dropped. */
function reorder(f: CallFrame, failedAbove: boolean): CallFrame {
  const failed = failedAbove || f.error !== undefined
  const out: CallFrame = { type: f.type, from: f.from } as CallFrame
  if (f.to !== undefined) out.to = f.to
  if (f.value !== undefined) out.value = f.value
  out.gas = f.gas
  out.gasUsed = f.gasUsed
  out.input = f.input
  if (f.output !== undefined) out.output = f.output
  if (f.error !== undefined) out.error = f.error
  if (f.revertReason !== undefined) out.revertReason = f.revertReason
  if (f.logs !== undefined && !failed) out.logs = f.logs
  if (f.calls !== undefined) out.calls = f.calls.map((c) => reorder(c, failed))
  return out
}
