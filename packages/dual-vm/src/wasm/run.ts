/*
 * One execution attempt of a WASM contract on one instance (the engine's hot path: every host import a
 * contract makes lands in `Run.imports`). The host imports stay methods of the instance they are bound to:
 * splitting them out would add a call per import. See engine.ts for record/replay and instance reuse.
 */
import { keccak256 } from '@rollup-mesh/core'
import './webassembly.js'
import { type Address, bytesToHex, hexToBytes } from 'viem'
import { encodeErrorString } from './errorString.js'
import { copyGas, HOST_GAS } from './gas.js'
import {
  GAS_GLOBAL_EXPORT,
  INIT_EXPORT,
  MAX_STACK_SLOTS,
  RESET_EXPORT,
  STACK_GLOBAL_EXPORT,
} from './hostAbi.js'
import type { MemorySnapshot } from './memorySnapshot.js'
import type { CrossCallRequest, CrossCallResult, WasmCallContext, WasmHost } from './types.js'
import { bigintFromBytes, bigintToWord, isZeroWord, sameBytes } from './wordBytes.js'

/** How an execution ended. */
export type Halt =
  | { kind: 'finish'; data: Uint8Array }
  | { kind: 'revert'; data: Uint8Array }
  | { kind: 'out-of-gas' }
  | { kind: 'trap'; reason: string }
  | { kind: 'suspend' }

/**
 * Thrown through WASM frames by host imports to end the run, and caught in `Run.execute`: it never leaves
 * the engine. Deliberately not an `Error` (nor a `BaseError`): it ends every finish/revert, and capturing a
 * stack trace there would slow each WASM call.
 */
class HaltSignal {
  constructor(readonly halt: Halt) {}
}

export type LogEntry =
  | { k: 'sload'; value: Uint8Array }
  | { k: 'sstore'; cost: bigint }
  | { k: 'log' }
  | { k: 'balance'; value: bigint }
  | { k: 'call'; request: CrossCallRequest; result: CrossCallResult | undefined }

const MAX_GAS = (1n << 63n) - 1n
export const EMPTY = new Uint8Array(0)
const CALL_KINDS = ['call', 'staticcall', 'delegatecall'] as const

const NO_LOG: LogEntry[] = []

/**
 * One instance of a module with its memory and host imports bound once. It runs
 * one execution attempt at a time: `begin` sets the execution's context, host
 * and log, `execute` runs it, and `clean` (reusable modules) puts the instance
 * back to its state right after instantiation.
 */
export class Run {
  private view: Uint8Array = EMPTY
  private readonly gas: WebAssembly.Global
  private readonly stack: WebAssembly.Global
  private readonly init: (() => void) | undefined
  private readonly reset: (() => void) | undefined
  private readonly entries: { call: () => void; deploy: () => void }
  private ctx!: WasmCallContext
  private host!: WasmHost
  private log: LogEntry[] = NO_LOG
  private cursor = 0
  private returnData: Uint8Array = EMPTY
  /** Gas charged for callees so far (not re-executed by a replay: their results come from the log). */
  private calleeGas = 0n
  readonly instance: WebAssembly.Instance

  constructor(
    module: WebAssembly.Module,
    readonly memory: WebAssembly.Memory,
    private readonly maxPages: number,
  ) {
    this.instance = new WebAssembly.Instance(module, { mesh: { ...this.imports(), memory } })
    const exports = this.instance.exports
    this.gas = exports[GAS_GLOBAL_EXPORT] as WebAssembly.Global
    this.stack = exports[STACK_GLOBAL_EXPORT] as WebAssembly.Global
    const init = exports[INIT_EXPORT]
    this.init = typeof init === 'function' ? (init as () => void) : undefined
    const reset = exports[RESET_EXPORT]
    this.reset = typeof reset === 'function' ? (reset as () => void) : undefined
    this.entries = { call: exports.call as () => void, deploy: exports.deploy as () => void }
  }

  /** Sets the context, host and log of the next execution, and its gas. */
  begin(ctx: WasmCallContext, host: WasmHost, log: LogEntry[]): void {
    this.ctx = ctx
    this.host = host
    this.log = log
    this.cursor = 0
    this.returnData = EMPTY
    this.calleeGas = 0n
    this.gas.value = ctx.gasLimit > MAX_GAS ? MAX_GAS : ctx.gasLimit
  }

  /**
   * Memory as bytes (a view over the current buffer). Any `memory.grow` detaches
   * the old buffer, which empties the view, so a non-empty view is current (and
   * `memory.buffer`, a slow getter, is read only after a grow).
   */
  bytes(): Uint8Array {
    if (this.view.length === 0) this.view = new Uint8Array(this.memory.buffer)
    return this.view
  }

  /**
   * Puts a reusable instance back to its state right after instantiation:
   * memory from `snapshot`, every mutable global to its initializer. Returns
   * false (drop the instance) when that is impossible: the memory grew, or the
   * module has no reset export.
   */
  clean(snapshot: MemorySnapshot): boolean {
    this.ctx = undefined as unknown as WasmCallContext
    this.host = undefined as unknown as WasmHost
    this.log = NO_LOG
    this.returnData = EMPTY
    const bytes = this.bytes()
    if (!this.reset || bytes.length !== snapshot.byteLength) return false
    bytes.set(snapshot.data)
    bytes.fill(0, snapshot.data.length)
    this.reset()
    return true
  }

  gasLeft(): bigint {
    return this.gas.value as bigint
  }

  stackUsed(): number {
    return this.stack.value as number
  }

  memoryPages(): number {
    return this.memory.buffer.byteLength / 65536
  }

  execute(entry: 'call' | 'deploy'): Halt {
    try {
      this.init?.()
      this.entries[entry]()
      return { kind: 'finish', data: EMPTY }
    } catch (error) {
      if (error instanceof HaltSignal) return error.halt
      if (this.gasLeft() < 0n) return { kind: 'out-of-gas' }
      if (error instanceof WebAssembly.RuntimeError) {
        if (this.stackUsed() > MAX_STACK_SLOTS) return { kind: 'trap', reason: 'call stack exhausted' }
        const reason = error.message
        if (this.memoryPages() >= this.maxPages && /unreachable/.test(reason)) {
          return { kind: 'trap', reason: `memory limit exceeded (${this.maxPages} pages)` }
        }
        return { kind: 'trap', reason }
      }
      if (error instanceof RangeError && /call stack/i.test(error.message)) {
        return { kind: 'trap', reason: 'native stack overflow' }
      }
      // A host refusal (e.g. a static-call violation raised by the host): the call reverts with its reason.
      const reason =
        error && typeof error === 'object' && 'shortMessage' in error
          ? String(error.shortMessage)
          : error instanceof Error
            ? error.message
            : String(error)
      return { kind: 'revert', data: encodeErrorString(reason) }
    }
  }

  private halt(h: Halt): never {
    throw new HaltSignal(h)
  }

  private charge(cost: bigint): void {
    const left = (this.gas.value as bigint) - cost
    this.gas.value = left
    if (left < 0n) this.halt({ kind: 'out-of-gas' })
  }

  private mem(ptr: number, len: number): Uint8Array {
    const p = ptr >>> 0
    const l = len >>> 0
    const view = this.bytes()
    if (p + l > view.length) this.halt({ kind: 'trap', reason: 'host call memory access out of bounds' })
    return view.subarray(p, p + l)
  }

  /** The next log entry when replaying, or undefined when live. */
  private replay<K extends LogEntry['k']>(k: K): Extract<LogEntry, { k: K }> | undefined {
    if (this.cursor >= this.log.length) return undefined
    const entry = this.log[this.cursor++]!
    if (entry.k !== k)
      this.halt({ kind: 'trap', reason: `non-deterministic replay: expected ${entry.k}, got ${k}` })
    return entry as Extract<LogEntry, { k: K }>
  }

  private record(entry: LogEntry): void {
    this.log.push(entry)
    this.cursor = this.log.length
  }

  private staticViolation(what: string): never {
    return this.halt({ kind: 'revert', data: encodeErrorString(`${what} in a static call`) })
  }

  private copyOut(dest: number, src: Uint8Array, offset: number, len: number): void {
    this.charge(HOST_GAS.copy + copyGas(len >>> 0))
    const out = this.mem(dest, len)
    const o = offset >>> 0
    out.fill(0)
    if (o < src.length) out.set(src.subarray(o, Math.min(src.length, o + out.length)))
  }

  private imports(): Record<string, (...args: never[]) => unknown> {
    // Bound once per instance: every import reads the current execution's state from `this`.
    return {
      calldata_size: () => {
        this.charge(HOST_GAS.context)
        return this.ctx.calldata.length
      },
      calldata_copy: (dest: number, offset: number, len: number) =>
        this.copyOut(dest, this.ctx.calldata, offset, len),
      returndata_size: () => {
        this.charge(HOST_GAS.context)
        return this.returnData.length
      },
      returndata_copy: (dest: number, offset: number, len: number) =>
        this.copyOut(dest, this.returnData, offset, len),
      finish: (ptr: number, len: number) => {
        this.charge(HOST_GAS.copy + copyGas(len >>> 0))
        this.halt({ kind: 'finish', data: this.mem(ptr, len).slice() })
      },
      revert: (ptr: number, len: number) => {
        this.charge(HOST_GAS.copy + copyGas(len >>> 0))
        this.halt({ kind: 'revert', data: this.mem(ptr, len).slice() })
      },
      storage_load: (keyPtr: number, outPtr: number) => {
        this.charge(HOST_GAS.sload)
        const key = this.mem(keyPtr, 32)
        const out = this.mem(outPtr, 32)
        const replayed = this.replay('sload')
        if (replayed) {
          out.set(replayed.value)
          return
        }
        const value = this.host.sload(key.slice())
        this.record({ k: 'sload', value })
        out.fill(0)
        out.set(value.subarray(0, 32), 32 - Math.min(32, value.length))
      },
      storage_store: (keyPtr: number, valuePtr: number) => {
        if (this.ctx.isStatic) this.staticViolation('storage_store')
        const key = this.mem(keyPtr, 32).slice()
        const value = this.mem(valuePtr, 32).slice()
        const replayed = this.replay('sstore')
        if (replayed) {
          this.charge(replayed.cost)
          return
        }
        const current = this.host.sload(key)
        const cost = sameBytes(current, value)
          ? HOST_GAS.sstoreNoop
          : isZeroWord(current)
            ? HOST_GAS.sstoreSet
            : HOST_GAS.sstoreReset
        this.charge(cost)
        this.host.sstore(key, value)
        this.record({ k: 'sstore', cost })
      },
      caller: (out: number) => this.writeAddress(out, this.ctx.caller),
      origin: (out: number) => this.writeAddress(out, this.ctx.origin),
      address: (out: number) => this.writeAddress(out, this.ctx.address),
      callvalue: (out: number) => {
        this.charge(HOST_GAS.context)
        const value = this.ctx.value
        if (value === 0n) this.mem(out, 32).fill(0)
        else this.mem(out, 32).set(bigintToWord(value))
      },
      balance: (addrPtr: number, out: number) => {
        this.charge(HOST_GAS.balance)
        const address = bytesToHex(this.mem(addrPtr, 20)) as Address
        const replayed = this.replay('balance')
        const value = replayed ? replayed.value : this.host.balance(address)
        if (!replayed) this.record({ k: 'balance', value })
        this.mem(out, 32).set(bigintToWord(value))
      },
      block_number: () => {
        this.charge(HOST_GAS.context)
        return this.ctx.block.number
      },
      block_timestamp: () => {
        this.charge(HOST_GAS.context)
        return this.ctx.block.timestamp
      },
      chain_id: () => {
        this.charge(HOST_GAS.context)
        return this.ctx.block.chainId
      },
      gas_left: () => {
        this.charge(HOST_GAS.context)
        return this.gas.value
      },
      log: (topicsPtr: number, count: number, dataPtr: number, dataLen: number) => {
        if (this.ctx.isStatic) this.staticViolation('log')
        const n = count >>> 0
        if (n > 4) this.halt({ kind: 'trap', reason: `log with ${n} topics (at most 4)` })
        this.charge(HOST_GAS.log + HOST_GAS.logTopic * BigInt(n) + HOST_GAS.logByte * BigInt(dataLen >>> 0))
        const topicBytes = this.mem(topicsPtr, 32 * n)
        const data = this.mem(dataPtr, dataLen).slice()
        if (this.replay('log')) return
        const topics: Uint8Array[] = []
        for (let i = 0; i < n; i++) topics.push(topicBytes.slice(32 * i, 32 * i + 32))
        this.host.emitLog(topics, data)
        this.record({ k: 'log' })
      },
      keccak256: (ptr: number, len: number, out: number) => {
        this.charge(HOST_GAS.keccak + HOST_GAS.keccakWord * BigInt(Math.ceil((len >>> 0) / 32)))
        this.mem(out, 32).set(keccak256(this.mem(ptr, len), 'bytes'))
      },
      call: (
        kind: number,
        addrPtr: number,
        valuePtr: number,
        dataPtr: number,
        dataLen: number,
        gas: bigint,
      ) => {
        const callKind = CALL_KINDS[kind]
        if (callKind === undefined) this.halt({ kind: 'trap', reason: `invalid call kind ${kind}` })
        const to = bytesToHex(this.mem(addrPtr, 20)) as Address
        const value = callKind === 'call' ? bigintFromBytes(this.mem(valuePtr, 32)) : 0n
        if (value > 0n && this.ctx.isStatic) this.staticViolation('value transfer')
        const data = this.mem(dataPtr, dataLen).slice()
        // The re-run this call causes (record/replay) is paid for: 1/REPLAY_GAS_DIVISOR of the gas this
        // frame used so far outside its callees, so n calls in one frame cannot cost O(n^2) unpaid work.
        const replayGas =
          (this.ctx.gasLimit - (this.gas.value as bigint) - this.calleeGas) / HOST_GAS.replayDivisor
        this.charge(HOST_GAS.call + (value > 0n ? HOST_GAS.callValue : 0n) + copyGas(data.length) + replayGas)
        const available = this.gas.value as bigint
        const cap = available - available / 64n
        const forwarded = gas <= 0n || gas > cap ? cap : gas
        const replayed = this.replay('call')
        if (!replayed) {
          this.record({
            k: 'call',
            request: { kind: callKind, to, value, data, gas: forwarded },
            result: undefined,
          })
          this.halt({ kind: 'suspend' })
        }
        if (
          replayed.request.to !== to ||
          replayed.request.gas !== forwarded ||
          !sameBytes(replayed.request.data, data)
        ) {
          this.halt({
            kind: 'trap',
            reason: 'non-deterministic replay: the call differs from the recorded one',
          })
        }
        const result = replayed.result!
        const calleeGas = result.gasUsed > forwarded ? forwarded : result.gasUsed
        this.calleeGas += calleeGas
        this.charge(calleeGas)
        this.returnData = result.returnData
        return result.success ? 1 : 0
      },
    }
  }

  private writeAddress(out: number, address: Address): void {
    this.charge(HOST_GAS.context)
    this.mem(out, 20).set(hexToBytes(address))
  }
}
