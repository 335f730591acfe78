import type { VmKind } from '@rollup-mesh/core'

/** The four bytes every WebAssembly module starts with (`\0asm`). */
export const WASM_MAGIC = new Uint8Array([0x00, 0x61, 0x73, 0x6d])

/**
 * Which VM a contract-creation payload deploys to: init data that starts with
 * the WASM magic deploys a WASM contract, anything else is EVM init code.
 */
export function vmOfInitCode(initCode: Uint8Array): VmKind {
  if (initCode.length < WASM_MAGIC.length) return 'evm'
  for (let i = 0; i < WASM_MAGIC.length; i++) if (initCode[i] !== WASM_MAGIC[i]) return 'evm'
  return 'wasm'
}

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
  type CustomPrecompile,
  type CustomPrecompileContext,
  type CustomPrecompileResult,
  type CustomPrecompiles,
  DualVmEVM,
  type DualVmEVMOptions,
  EVM_HARDFORK,
  encodeRevertReason,
  isWasmInitCode,
  MAX_CALL_DEPTH,
  StaticCallViolationError,
  WASM_CODE_DEPOSIT_GAS_PER_BYTE,
} from './evm/dualEvm.js'
export {
  type EstimateGasResult,
  estimateGas,
  type SimulateCallParameters,
  type SimulateCallResult,
  simulateCall,
} from './executor/call.js'
export { createSerialExecutor, SerialExecutor, type SerialExecutorOptions } from './executor/serial.js'
export { intrinsicGas, MAX_TX_GAS } from './executor/transaction.js'
// --- parallel executor (engineer G) ---
export { canonicalWriteSet, compareBlockResults, type ResultMismatch } from './parallel/compare.js'
export { ParallelMismatchError, WorkerStartError } from './parallel/errors.js'
export {
  createParallelExecutor,
  defaultParallelExecutorOptions,
  type ParallelBlockStats,
  ParallelExecutor,
  type ParallelExecutorOptions,
} from './parallel/executor.js'
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
export { EMPTY_CODE_HASH, JournaledState, JournalMisuseError, ZERO_WORD } from './state/journal.js'
export { createLtHash, type LtHash, ltHashRoot } from './state/ltHash.js'
export {
  createMemoryState,
  type GenesisAccount,
  type GenesisAlloc,
  genesisWriteSet,
  MemoryState,
} from './state/memory.js'
export {
  createWasmEngine,
  encodeErrorString,
  V8WasmEngine,
  type WasmEngineOptions,
  type WasmEngineStats,
} from './wasm/engine.js'
export { ENVELOPE_MARKER, encodeWasmDeployData, splitEnvelope, toEnvelopeModule } from './wasm/envelope.js'
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
export {
  ENVELOPE_SECTION,
  importedMemoryLimits,
  MEMORY_IMPORT,
  validateAndInstrument,
} from './wasm/module.js'
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
