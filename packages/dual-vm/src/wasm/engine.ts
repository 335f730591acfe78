import './webassembly.js'
import { createHash } from 'node:crypto'
import { type CompiledCode, compileCode } from './compiledCode.js'
import { splitEnvelope } from './envelope.js'
import { encodeErrorString } from './errorString.js'
import { validateAndInstrument } from './instrument.js'
import { snapshotOf } from './memorySnapshot.js'
import { type LogEntry, Run } from './run.js'
import type { WasmCallContext, WasmDeployment, WasmEngine, WasmHost, WasmResult } from './types.js'

/**
 * The WASM contract runtime on Node's own WebAssembly (V8).
 *
 * Compiled modules are cached by code hash. Every execution sees exactly what a
 * fresh instance would (see "Instance reuse" below), so calls never share
 * state. Host imports are synchronous, but `WasmHost.call` is async (the
 * callee may be the ethereumjs EVM), so cross-VM calls use deterministic
 * record/replay:
 *
 * 1. Every host import whose answer depends on state (storage_load, balance,
 *    call) or that changes state (storage_store, log) appends an entry to the
 *    frame's log.
 * 2. When the contract calls `call`, the request is recorded and the instance is
 *    aborted with a sentinel; the engine awaits `host.call(request)` and stores
 *    the result in the log.
 * 3. The call is run again from the start on a clean instance. Host imports up
 *    to the end of the log are answered from it: reads return the recorded
 *    value, writes and logs are not applied again (the host already has them),
 *    and gas is charged exactly as the first time. At the end of the log the
 *    frame goes live again.
 *
 * WASM execution is deterministic, so the replayed prefix is the same
 * execution; a mismatch (a different import at the same position) is reported
 * as a trap. A call without cross-VM calls runs once at full speed; each
 * cross-VM call costs one re-run of the frame up to that call.
 *
 * Instance reuse. Instantiating per call (and ~25 import closures with it) was
 * about a tenth of a token transfer, so instances are pooled per module:
 * - The engine compiles `reusableModule(code)`, the stored code plus an
 *   exported `__mesh_reset` that sets every mutable global back to its
 *   initializer (reset.ts); the stored code and its hash are unchanged.
 * - A `Run` (run.ts) owns one instance and its memory; its host imports are bound once
 *   and read the current execution's context, host and log from the `Run`.
 * - Right after the first instantiation of a module, its memory (data segments
 *   applied; no start function is allowed) is copied as the module's snapshot.
 * - After every execution, whatever way it ended (finish, revert, trap,
 *   out-of-gas, a host refusal, a suspend for a cross-VM call), the instance
 *   is cleaned before it goes back to the pool: memory restored from the
 *   snapshot, globals reset. A memory that grew cannot shrink, so that
 *   instance is dropped instead. Tables cannot change (the validator admits no
 *   table-mutating instruction and only active element segments). Modules
 *   with passive data segments (whose `data.drop` would outlive a call) are
 *   never reused: they get a fresh instance per execution on a pooled, zeroed
 *   memory as before. Active segments are dropped by instantiation itself, so
 *   `memory.init`/`data.drop` on them behave the same on a reused instance.
 * - An instance is taken out of the pool for exactly one synchronous
 *   `execute` and never held across an `await`, so a frame re-entered through
 *   a cross-VM call (a contract calling itself) runs on a clean instance, and
 *   no two executions ever share one. In practice a module keeps one instance.
 */

/** Instances (or, for modules that are not reusable, memories) kept per module. */
const POOL_SIZE = 8

export type WasmEngineStats = {
  /** Modules compiled (cache misses). */
  compiled: number
  /** Code arrays seen for the first time (looked up by content hash instead of identity). */
  hashed: number
  /** Frames run (calls and constructors). */
  frames: number
  /** Extra runs caused by cross-VM calls (record/replay). */
  replays: number
  /** Instances created. */
  instantiated: number
  /** Executions that ran on a reused (cleaned) instance instead of a new one. */
  reused: number
}

export type WasmEngineOptions = {
  /** Compiled modules kept in the cache (least recently used evicted). Default 256. */
  moduleCacheSize?: number
  /**
   * Reuse cleaned instances across executions (see the file comment). Default true; false
   * instantiates per execution, which gives the same results and gas, only slower.
   */
  reuseInstances?: boolean
}

/** The `WasmEngine` over V8's WebAssembly with record/replay for cross-VM calls (see the file comment). */
export class V8WasmEngine implements WasmEngine {
  readonly stats: WasmEngineStats = {
    compiled: 0,
    hashed: 0,
    frames: 0,
    replays: 0,
    instantiated: 0,
    reused: 0,
  }
  private readonly byArray = new WeakMap<Uint8Array, CompiledCode>()
  private readonly byHash = new Map<string, CompiledCode>()
  private readonly cacheSize: number
  private readonly reuseInstances: boolean

  constructor(options: WasmEngineOptions = {}) {
    this.cacheSize = options.moduleCacheSize ?? 256
    this.reuseInstances = options.reuseInstances ?? true
  }

  prepareDeployment(initData: Uint8Array): WasmDeployment {
    const { module, constructorArgs } = splitEnvelope(initData)
    const { code } = validateAndInstrument(module)
    return { code, constructorArgs }
  }

  construct(code: Uint8Array, ctx: WasmCallContext, host: WasmHost): Promise<WasmResult> {
    return this.run(code, ctx, host, 'deploy')
  }

  call(code: Uint8Array, ctx: WasmCallContext, host: WasmHost): Promise<WasmResult> {
    return this.run(code, ctx, host, 'call')
  }

  /** The compiled module for instrumented `code`, from the cache when possible. */
  compile(code: Uint8Array): CompiledCode {
    const cached = this.byArray.get(code)
    if (cached) return cached
    this.stats.hashed++
    const key = createHash('sha256').update(code).digest('hex')
    let module = this.byHash.get(key)
    if (module) {
      this.byHash.delete(key)
    } else {
      module = compileCode(code, this.reuseInstances)
      this.stats.compiled++
      if (this.byHash.size >= this.cacheSize) this.byHash.delete(this.byHash.keys().next().value!)
    }
    this.byHash.set(key, module)
    this.byArray.set(code, module)
    return module
  }

  private async run(
    code: Uint8Array,
    ctx: WasmCallContext,
    host: WasmHost,
    entry: 'call' | 'deploy',
  ): Promise<WasmResult> {
    const gasLimit = ctx.gasLimit
    let module: CompiledCode
    try {
      module = this.compile(code)
    } catch (error) {
      return failure('trap', `code does not compile: ${(error as Error).message}`, gasLimit)
    }
    const log: LogEntry[] = []
    this.stats.frames++
    for (;;) {
      let run: Run
      try {
        run = this.acquire(module)
      } catch (error) {
        return failure('trap', `instantiation failed: ${(error as Error).message}`, gasLimit)
      }
      run.begin(ctx, host, log)
      const halt = run.execute(entry)
      const left = run.gasLeft()
      this.release(module, run)
      const used = left < 0n ? gasLimit : gasLimit - left
      switch (halt.kind) {
        case 'finish':
          return { status: 'success', returnData: halt.data, gasUsed: used }
        case 'revert':
          return { status: 'revert', returnData: halt.data, gasUsed: used }
        case 'out-of-gas':
          return failure('out-of-gas', 'out of gas', gasLimit)
        case 'trap':
          return failure('trap', `WASM trap: ${halt.reason}`, gasLimit)
        case 'suspend': {
          const pending = log[log.length - 1] as Extract<LogEntry, { k: 'call' }>
          try {
            pending.result = await host.call(pending.request)
          } catch (error) {
            pending.result = {
              success: false,
              returnData: encodeErrorString((error as Error).message),
              gasUsed: pending.request.gas,
            }
          }
          this.stats.replays++
        }
      }
    }
  }

  /** A clean instance of `module`: an idle one when it is reusable, else a new one. */
  private acquire(module: CompiledCode): Run {
    const idle = module.idle.pop()
    if (idle) {
      this.stats.reused++
      return idle
    }
    const { initial, maximum } = module.limits
    const memory = module.memories.pop() ?? new WebAssembly.Memory({ initial, maximum })
    const run = new Run(module.module, memory, maximum)
    this.stats.instantiated++
    if (module.reusable && module.snapshot === undefined) module.snapshot = snapshotOf(run.bytes())
    return run
  }

  /** Takes back an instance after an execution: cleaned into the pool, or dropped (its memory pooled when possible). */
  private release(module: CompiledCode, run: Run): void {
    if (module.reusable) {
      if (module.idle.length < POOL_SIZE && run.clean(module.snapshot!)) module.idle.push(run)
      return
    }
    // A memory that did not grow is zeroed and reused (instantiation re-applies the data segments).
    const memory = run.memory
    if (memory.buffer.byteLength === module.limits.initial * 65536 && module.memories.length < POOL_SIZE) {
      run.bytes().fill(0)
      module.memories.push(memory)
    }
  }
}

function failure(status: WasmResult['status'], reason: string, gasUsed: bigint): WasmResult {
  return { status, returnData: encodeErrorString(reason), gasUsed, error: reason }
}

/** Creates the WASM engine (V8 WebAssembly, deploy-time validation and metering, record/replay cross-VM calls). */
export function createWasmEngine(options: WasmEngineOptions = {}): V8WasmEngine {
  return new V8WasmEngine(options)
}
