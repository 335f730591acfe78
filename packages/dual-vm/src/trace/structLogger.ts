import type { InterpreterStep, Message } from '@ethereumjs/evm'
import { EVMError } from '@ethereumjs/evm'
import type { Address, Hex } from 'viem'
import type { JournaledState } from '../state/journal.js'
import { bytesHex, word } from './hex.js'
import type { StructLoggerConfig } from './options.js'
import type { Tracer } from './tracedRun.js'

/** One step of geth's struct logger. */
export type StructLog = {
  pc: number
  op: string
  gas: number
  gasCost: number
  depth: number
  stack?: Hex[]
  memory?: string[]
  returnData?: Hex
  storage?: Record<Hex, Hex>
  refund: number
  error?: string
}

export type StructLoggerResult = { gas: number; failed: boolean; returnValue: Hex; structLogs: StructLog[] }

const CALL_STIPEND = 2_300n
const CALLS = new Set(['CALL', 'CALLCODE', 'DELEGATECALL', 'STATICCALL', 'CREATE', 'CREATE2'])

/**
 * geth's default tracer (the struct logger): one entry per EVM opcode with the program counter, the gas
 * left before it, its cost, the 1-based call depth, the stack (bottom first), and on request memory
 * (32-byte words), the frame's last return data and, at SLOAD/SSTORE, the contract's storage touched so
 * far. A call's or a creation's cost includes the gas it hands to the new frame, as anvil reports it. WASM frames run no
 * opcodes, so they add no entries (the call into them does).
 */
export function createStructLogger(config: StructLoggerConfig, state: JournaledState): Tracer {
  const logs: StructLog[] = []
  const limit = config.limit ?? 0
  const storages = new Map<Address, Record<Hex, Hex>>()
  /** The frame's return data buffer (what RETURNDATACOPY reads), per 1-based depth. */
  const returnData: Uint8Array[] = []
  /** A call opcode waiting for its callee's gas (added to its cost when the frame starts). */
  let pendingCall: { log: StructLog; stack: bigint[]; op: string } | undefined
  /** The last entry logged at each depth (an opcode that fails gets its error). */
  const lastAt: (StructLog | undefined)[] = []

  const step = (s: InterpreterStep) => {
    pendingCall = undefined
    if (limit > 0 && logs.length >= limit) return
    const depth = s.depth + 1
    const op = s.opcode.name
    const log: StructLog = {
      pc: s.pc,
      op,
      gas: Number(s.gasLeft),
      gasCost: Number(s.opcode.dynamicFee ?? BigInt(s.opcode.fee)),
      depth,
      refund: Number(s.gasRefund),
    }
    if (!config.disableStack) log.stack = s.stack.map((v) => `0x${v.toString(16)}` as Hex)
    if (config.enableMemory) {
      const memory: string[] = []
      const m = s.memory
      for (let i = 0; i < m.length; i += 32)
        memory.push(`0x${Buffer.from(m.subarray(i, i + 32)).toString('hex')}`)
      log.memory = memory
    }
    if (config.enableReturnData) log.returnData = bytesHex(returnData[depth] ?? new Uint8Array(0))
    if (!config.disableStorage && (op === 'SLOAD' || op === 'SSTORE')) {
      const address = s.address.toString() as Address
      let storage = storages.get(address)
      if (!storage) {
        storage = {}
        storages.set(address, storage)
      }
      const stack = s.stack
      const key = word(stack[stack.length - 1] ?? 0n)
      storage[key] = op === 'SLOAD' ? state.getStorage(address, key) : word(stack[stack.length - 2] ?? 0n)
      log.storage = { ...storage }
    }
    logs.push(log)
    lastAt[depth] = log
    if (CALLS.has(op)) pendingCall = { log, stack: s.stack, op }
  }

  const enter = (message: Message) => {
    const depth = message.depth + 1
    returnData[depth] = new Uint8Array(0)
    const call = pendingCall
    pendingCall = undefined
    if (call && call.log.depth === message.depth) {
      const withValue = (call.op === 'CALL' || call.op === 'CALLCODE') && message.value > 0n
      call.log.gasCost += Number(message.gasLimit - (withValue ? CALL_STIPEND : 0n))
    }
  }

  const exit = (
    result: { execResult: { returnValue: Uint8Array; exceptionError?: EVMError } },
    message: Message,
  ) => {
    const depth = message.depth + 1
    const exec = result.execResult
    returnData[depth - 1] = exec.returnValue
    const error = exec.exceptionError
    if (error && error.error !== EVMError.errorMessages.REVERT) {
      const last = lastAt[depth]
      if (last && last === logs[logs.length - 1]) {
        last.error = error.error
        // The failing opcode used up the frame's gas (anvil reports it so; ethereumjs reports only its base fee).
        if (error.error === EVMError.errorMessages.OUT_OF_GAS) last.gasCost = last.gas
      }
    }
    lastAt[depth] = undefined
  }

  return {
    hooks: { step, enter, exit },
    result(run): StructLoggerResult {
      return {
        gas: Number(run.receipt.gasUsed),
        failed: run.receipt.status === 0,
        returnValue: bytesHex(run.returnValue),
        structLogs: logs,
      }
    },
  }
}
