/** The public API of `@rollup-mesh/dual-vm` (hand-picked named exports). */
export { LogsBloom } from '@rollup-mesh/core'
// --- WASM engine, deployment envelope, AssemblyScript compiler (WASM side) ---
export {
  ASSEMBLYSCRIPT_SDK_ENTRY,
  AssemblyScriptCompileError,
  type AssemblyScriptDiagnostic,
  type CompileAssemblyScriptOptions,
  type CompileAssemblyScriptResult,
  compileAssemblyScript,
} from './compile/assemblyscript.js'
export {
  type CompiledContract,
  type CompileSolidityOptions,
  type CompileSolidityResult,
  compileSolidity,
  compileSolidityFile,
  SOLIDITY_EVM_VERSION,
  SolidityCompileError,
  type SolidityDiagnostic,
} from './compile/solidity.js'
export {
  DualVmEVM,
  type DualVmEVMOptions,
  EVM_HARDFORK,
  MAX_CALL_DEPTH,
  WASM_CODE_DEPOSIT_GAS_PER_BYTE,
} from './evm/dualEvm.js'
export { StateInvariantError, StaticCallViolationError } from './evm/errors.js'
export { EvmMismatchError } from './evm/fast/errors.js'
export type {
  CustomPrecompile,
  CustomPrecompileContext,
  CustomPrecompileResult,
  CustomPrecompiles,
} from './evm/precompiles.js'
export {
  type EstimateGasResult,
  estimateGas,
  type SimulateCallParameters,
  type SimulateCallResult,
  simulateCall,
} from './executor/call.js'
export {
  DEFAULT_EVM_ENGINE,
  EVM_ENGINES,
  type EvmEngine,
  type EvmEngineStats,
} from './executor/fastPath.js'
export { createSerialExecutor, SerialExecutor, type SerialExecutorOptions } from './executor/serial.js'
export { intrinsicGas, MAX_TX_GAS } from './executor/transaction.js'
// --- parallel executor (engineer G) ---
export { canonicalWriteSet, compareBlockResults, type ResultMismatch } from './parallel/compare.js'
export { createParallelExecutor } from './parallel/createParallelExecutor.js'
export { ParallelMismatchError, WorkerStartError } from './parallel/errors.js'
export { ParallelExecutor } from './parallel/executor.js'
export {
  defaultParallelExecutorOptions,
  type ParallelBlockStats,
  type ParallelExecutorOptions,
} from './parallel/options.js'
export type { CommittedStateReader, CommittedStateSource, WasmEngineSource } from './parallel/protocol.js'
// --- state, EVM, serial executor, Solidity compiler (EVM side) ---
export {
  applyWriteSetToLtHash,
  commitWriteSet,
  readStateAccumulator,
  STATE_COMMITMENT_ADDRESS,
  stateRootOf,
} from './state/commitment.js'
export { EthereumJSStateManager, UnsupportedStateOperationError } from './state/ethereumjs.js'
export { JournaledState, JournalMisuseError } from './state/journal.js'
export { createLtHash, type LtHash, ltHashRoot } from './state/ltHash.js'
export {
  createMemoryState,
  type GenesisAccount,
  type GenesisAlloc,
  genesisWriteSet,
  MemoryState,
} from './state/memory.js'
// --- tracing (debug_trace*, eth_createAccessList) ---
export {
  type AccessListEntry,
  type CreateAccessListParameters,
  type CreateAccessListResult,
  createAccessList,
} from './trace/accessList.js'
export type { CallFrame, CallLog } from './trace/callTracer.js'
export type { CallRequest as TraceCallRequest } from './trace/callTx.js'
export { InvalidTraceOptionError, TraceNotRunError, UnsupportedTracerError } from './trace/errors.js'
export {
  type CallTracerConfig,
  type PrestateTracerConfig,
  parseTraceOptions,
  type StructLoggerConfig,
  SUPPORTED_TRACERS,
  type TraceOptions,
} from './trace/options.js'
export type { PrestateAccount, PrestateDiffResult, PrestateResult } from './trace/prestateTracer.js'
export type { StructLog, StructLoggerResult } from './trace/structLogger.js'
export {
  type TraceBlockParameters,
  type TraceBlockResult,
  type TraceEnvironment,
  traceBlock,
} from './trace/traceBlock.js'
export { type TraceCallParameters, traceCall } from './trace/traceCall.js'
export { createTracingVM, type TracingVM } from './trace/tracingVM.js'
export {
  createWasmEngine,
  V8WasmEngine,
  type WasmEngineOptions,
  type WasmEngineStats,
} from './wasm/engine.js'
export {
  ENVELOPE_MARKER,
  ENVELOPE_SECTION,
  encodeWasmDeployData,
  splitEnvelope,
  toEnvelopeModule,
} from './wasm/envelope.js'
export { encodeErrorString } from './wasm/errorString.js'
export { WasmValidationError } from './wasm/errors.js'
export { copyGas, HOST_GAS } from './wasm/gas.js'
export {
  GAS_GLOBAL_EXPORT,
  HOST_FUNCTIONS,
  HOST_MODULE,
  type HostFunctionName,
  MAX_MEMORY_PAGES,
  MAX_STACK_SLOTS,
  MAX_TABLE_SIZE,
} from './wasm/hostAbi.js'
export { isWasmInitCode, vmOfInitCode, WASM_MAGIC } from './wasm/initCode.js'
export { type InstrumentedModule, validateAndInstrument } from './wasm/instrument.js'
export { importedMemoryLimits, MEMORY_IMPORT } from './wasm/memoryImport.js'
export type {
  CrossCallRequest,
  CrossCallResult,
  WasmCallContext,
  WasmDeployment,
  WasmEngine,
  WasmExecStatus,
  WasmHost,
  WasmResult,
} from './wasm/types.js'
export type { ModuleInfo } from './wasm/validate.js'
