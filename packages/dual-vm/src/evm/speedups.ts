import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import type { Common } from '@ethereumjs/common'

/**
 * Two memoisations for @ethereumjs/evm's hot path that do not change what it
 * computes:
 *
 * - `Common.isActivatedEIP` searches an array on every call (about 6% of an
 *   ERC20 transfer); our Common never changes hardfork, so its answers are cached.
 * - The interpreter re-runs jump-destination analysis over the whole contract
 *   on every call (another 6%); the result depends only on the code and the
 *   opcode table, so it is cached per (opcode table, code object).
 */
export function memoizeActivatedEIPs(common: Common): void {
  const original = common.isActivatedEIP.bind(common)
  const cache = new Map<number, boolean>()
  common.isActivatedEIP = (eip: number) => {
    let active = cache.get(eip)
    if (active === undefined) {
      active = original(eip)
      cache.set(eip, active)
    }
    return active
  }
  common.events.on('hardforkChanged', () => cache.clear())
}

/**
 * Imports a module of @ethereumjs/evm's ESM build by its path in the package (the interpreter is not
 * exported). `require.resolve` gives the CJS entry under plain Node and the ESM one under vitest.
 */
function importEvmFile(file: string): Promise<unknown> {
  const dir = createRequire(import.meta.url)
    .resolve('@ethereumjs/evm')
    .replace(/[\\/](cjs|esm)[\\/]index\.js$/, '/esm/')
  return import(pathToFileURL(dir + file).href)
}

type JumpAnalysis = unknown
type InterpreterLike = {
  _evm: { _opcodeMap: object }
  _getValidJumpDestinations(code: Uint8Array): JumpAnalysis
}

let patched = false

/** Installs the jump-analysis cache on ethereumjs's (unexported) Interpreter; a no-op if its shape changed. */
export async function installJumpAnalysisCache(): Promise<boolean> {
  if (patched) return true
  try {
    const mod = (await importEvmFile('interpreter.js')) as { Interpreter?: { prototype: InterpreterLike } }
    const proto = mod.Interpreter?.prototype
    if (!proto || typeof proto._getValidJumpDestinations !== 'function') return false
    const original = proto._getValidJumpDestinations
    const caches = new WeakMap<object, WeakMap<Uint8Array, JumpAnalysis>>()
    proto._getValidJumpDestinations = function (this: InterpreterLike, code: Uint8Array) {
      const table = this._evm._opcodeMap
      let byCode = caches.get(table)
      if (!byCode) {
        byCode = new WeakMap()
        caches.set(table, byCode)
      }
      let analysis = byCode.get(code)
      if (analysis === undefined) {
        analysis = original.call(this, code)
        byCode.set(code, analysis)
      }
      return analysis
    }
    patched = true
    return true
  } catch {
    return false
  }
}

type OpEntry = {
  opcodeInfo: { code: number; feeBigInt: bigint; dynamicGas: boolean; isAsync: boolean; isInvalid: boolean }
  opHandler: (runState: RunStateLike, common: unknown) => void
}
type RunStateLike = {
  code: Uint8Array
  programCounter: number
  opCode: number
  gasLeft: bigint
  validJumps: unknown
  cachedPushes: unknown
  shouldDoJumpAnalysis: boolean
  eip8037BurnLeftoverAfterCreateHaltOntoAlive?: boolean
  env: { accessWitness?: { commit(): void; revert(): void } }
}
type LoopInterpreter = {
  _evm: { _opcodeMap: OpEntry[]; DEBUG: boolean; events: { listenerCount(event: string): number } }
  _runState: RunStateLike
  common: Common
  profilerOpts?: { enabled?: boolean }
  _getValidJumpDestinations(code: Uint8Array): {
    jumps: unknown
    pushes: unknown
    opcodesCached: OpEntry[]
  }
  useGas(amount: bigint, context: unknown): void
  runStep(entry: OpEntry | undefined): Promise<void>
}
type RunResult = { runState: RunStateLike; exceptionError: unknown }
type Run = (this: LoopInterpreter, code: Uint8Array, opts?: { pc?: number }) => Promise<RunResult>

let loopPatched = false
let loopEnabled = true

/** Turns the synchronous step loop off (the original loop runs) or back on; for tests that compare the two. */
export function setSyncStepLoop(enabled: boolean): void {
  loopEnabled = enabled
}

/**
 * @ethereumjs/evm's interpreter `await`s every opcode (`runStep` is async), so an ERC20 transfer's ~300
 * steps each cost a promise and a trip through the microtask queue. This replaces the interpreter's loop
 * with one that runs the opcodes that are synchronous in ethereumjs itself (static gas, synchronous
 * handler: PUSH, DUP, SWAP, arithmetic, JUMP, ...) inline, exactly as `runStep` would (gas, program
 * counter, EIP-7928 hook, handler, access witness), and awaits `runStep` for the rest. Anything the loop
 * does not cover (EOF code, a resumed `pc`, step listeners, debug, the profiler, EIP-6800/7864 code-chunk
 * gas) runs the original loop. A no-op (false) if the interpreter's shape changed.
 */
export async function installSyncStepLoop(): Promise<boolean> {
  if (loopPatched) return true
  try {
    const [{ Interpreter }, { EVMError, EVMErrorTypeString }, { consumeEip7928PostTargetCallOog }] =
      (await Promise.all([
        importEvmFile('interpreter.js'),
        importEvmFile('errors.js'),
        importEvmFile('opcodes/EIP7928.js'),
      ])) as [
        { Interpreter?: { prototype: LoopInterpreter & { run: Run } } },
        {
          EVMError: (new (message: string) => unknown) & { errorMessages: Record<string, string> }
          EVMErrorTypeString: string
        },
        { consumeEip7928PostTargetCallOog: (runState: RunStateLike) => void },
      ]
    const proto = Interpreter?.prototype
    if (!proto || typeof proto.run !== 'function' || typeof proto.runStep !== 'function') return false
    if (typeof consumeEip7928PostTargetCallOog !== 'function' || !EVMError?.errorMessages?.STOP) return false
    const original = proto.run
    const STOP = EVMError.errorMessages.STOP
    const OUT_OF_GAS = EVMError.errorMessages.OUT_OF_GAS as string
    proto.run = async function (this: LoopInterpreter, code: Uint8Array, opts: { pc?: number } = {}) {
      const evm = this._evm
      if (
        !loopEnabled ||
        code[0] === 0xef ||
        opts.pc !== undefined ||
        this.profilerOpts?.enabled === true ||
        evm.DEBUG ||
        evm.events.listenerCount('step') > 0 ||
        this.common.isActivatedEIP(6800) ||
        this.common.isActivatedEIP(7864)
      )
        return original.call(this, code, opts)
      const rs = this._runState
      const common = this.common
      const opcodeMap = evm._opcodeMap
      rs.code = code
      let err: unknown
      let cached: OpEntry[] | undefined
      while (rs.programCounter < rs.code.length) {
        const pc = rs.programCounter
        let entry: OpEntry | undefined
        let opCode: number
        if (cached === undefined) {
          opCode = rs.code[pc] as number
          // Jump analysis only once the code shows a jump (as the original loop does).
          if (opCode === 0x56 || opCode === 0x57 || opCode === 0x5e) {
            const { jumps, pushes, opcodesCached } = this._getValidJumpDestinations(rs.code)
            rs.validJumps = jumps
            rs.cachedPushes = pushes
            rs.shouldDoJumpAnalysis = false
            cached = opcodesCached
          }
        } else {
          entry = cached[pc] as OpEntry
          opCode = entry.opcodeInfo.code
        }
        rs.opCode = opCode
        try {
          const op = entry ?? (opcodeMap[opCode] as OpEntry)
          const info = op.opcodeInfo
          if (!info.dynamicGas && !info.isAsync && !info.isInvalid) {
            this.useGas(info.feeBigInt, info)
            rs.programCounter++
            consumeEip7928PostTargetCallOog(rs)
            const handler = op.opHandler
            handler(rs, common)
            rs.env.accessWitness?.commit()
          } else await this.runStep(entry)
        } catch (e) {
          rs.env.accessWitness?.revert()
          if (
            !(typeof e === 'object' && e !== null && 'errorType' in e && e.errorType === EVMErrorTypeString)
          )
            throw e
          if ((e as { error?: string }).error !== STOP) err = e
          break
        }
      }
      if (err === undefined && rs.eip8037BurnLeftoverAfterCreateHaltOntoAlive === true && rs.gasLeft > 0n) {
        rs.gasLeft = 0n
        err = new EVMError(OUT_OF_GAS)
      }
      return { runState: rs, exceptionError: err }
    }
    loopPatched = true
    return true
  } catch {
    return false
  }
}
