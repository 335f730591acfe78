/**
 * The host interface a WASM contract may import: module `mesh`, these names,
 * exactly these signatures. Pointers are i32 offsets into the contract's
 * exported memory; addresses are 20 bytes, words (slots, values, hashes) 32
 * bytes big-endian. See `engine.ts` for semantics and `gas.ts` for prices.
 */
export const HOST_MODULE = 'mesh'

const I32 = 0x7f
const I64 = 0x7e

export type HostSignature = { params: readonly number[]; results: readonly number[] }

export const HOST_FUNCTIONS = {
  calldata_size: { params: [], results: [I32] },
  calldata_copy: { params: [I32, I32, I32], results: [] },
  finish: { params: [I32, I32], results: [] },
  revert: { params: [I32, I32], results: [] },
  storage_load: { params: [I32, I32], results: [] },
  storage_store: { params: [I32, I32], results: [] },
  caller: { params: [I32], results: [] },
  origin: { params: [I32], results: [] },
  address: { params: [I32], results: [] },
  callvalue: { params: [I32], results: [] },
  balance: { params: [I32, I32], results: [] },
  block_number: { params: [], results: [I64] },
  block_timestamp: { params: [], results: [I64] },
  chain_id: { params: [], results: [I64] },
  log: { params: [I32, I32, I32, I32], results: [] },
  keccak256: { params: [I32, I32, I32], results: [] },
  call: { params: [I32, I32, I32, I32, I32, I64], results: [I32] },
  returndata_size: { params: [], results: [I32] },
  returndata_copy: { params: [I32, I32, I32], results: [] },
  gas_left: { params: [], results: [I64] },
} as const satisfies Record<string, HostSignature>

export type HostFunctionName = keyof typeof HOST_FUNCTIONS

/** Exports the instrumenter adds; a module may not import or export names with this prefix. */
export const RESERVED_PREFIX = '__mesh_'
/** The mutable i64 global holding the gas left (exported by instrumented modules). */
export const GAS_GLOBAL_EXPORT = '__mesh_gas'
/** The mutable i32 global holding the stack budget used (exported by instrumented modules). */
export const STACK_GLOBAL_EXPORT = '__mesh_stack'
/**
 * Function the engine adds to the module it compiles for stored code (never to the stored code
 * itself, see `reusableModule` in module.ts): sets every mutable global back to its initial value,
 * so one instance can serve many calls.
 */
export const RESET_EXPORT = '__mesh_reset'
/** Optional export the engine runs before `call`/`deploy` (AssemblyScript's `--exportStart`). */
export const INIT_EXPORT = '_initialize'

/** 64 KiB pages a contract's memory may reach (8 MiB). */
export const MAX_MEMORY_PAGES = 128
/** Entries a contract's table may have. */
export const MAX_TABLE_SIZE = 4096
/** Locals (params included) one function may declare. */
export const MAX_FUNCTION_LOCALS = 4096
/**
 * Stack budget in slots: each function entry adds `4 + locals + instructions`
 * (an upper bound on its frame) and traps with "call stack exhausted" past this,
 * so recursion depth is decided by the module, not by V8's native stack.
 */
export const MAX_STACK_SLOTS = 32768
